import { performance } from 'node:perf_hooks';

export interface Measurement {
  opsPerSec: number;
  iterations: number;
  elapsedMs: number;
}

/**
 * Runs `fn` in batches for at least `durationMs` after a warm-up and reports operations per
 * second. Batches keep the clock out of the loop; the result of `fn` is kept so it cannot be
 * optimised away.
 */
export function measure(fn: () => unknown, durationMs: number): Measurement {
  let sink: unknown;
  const warmUntil = performance.now() + Math.min(200, durationMs / 4);
  while (performance.now() < warmUntil) sink = fn();
  let batch = 1;
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < batch; i++) sink = fn();
    iterations += batch;
    elapsed = performance.now() - start;
    if (elapsed < durationMs / 20) batch *= 2;
  }
  keep(sink);
  return { opsPerSec: (iterations * 1000) / elapsed, iterations, elapsedMs: elapsed };
}

let kept: unknown;
function keep(value: unknown): void {
  kept = value;
  if (kept === Symbol.for('never')) process.stdout.write('');
}
