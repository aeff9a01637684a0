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

/** The value at percentile `p` (0-100) of ascending `sorted` values (nearest rank, rounded down). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Calls `send` `total` times at `rate` per second and resolves, with the rate achieved, once
 * every send has settled (rejecting with the first failure). The load is paced in 1 ms timer
 * ticks, about rate/1000 sends per tick: spinning on setImmediate would take a whole core from
 * the server under test on a small machine. Sends are counted, not kept, so the load adds no
 * garbage of its own.
 */
export async function pacedLoad(
  rate: number,
  total: number,
  send: () => Promise<unknown>,
): Promise<{ achievedRate: number }> {
  const start = performance.now();
  let sent = 0;
  let settled = 0;
  let failed: unknown;
  const onSettled = () => void settled++;
  const onFailed = (err: unknown) => void (failed ??= err);
  while (sent < total && !failed) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) send().then(onSettled, onFailed);
    await new Promise((r) => setTimeout(r, 1));
  }
  const achievedRate = (sent * 1000) / (performance.now() - start);
  while (settled < sent && !failed) await new Promise((r) => setTimeout(r, 5));
  if (failed) throw failed;
  return { achievedRate };
}
