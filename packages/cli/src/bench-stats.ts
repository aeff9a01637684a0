import { printJson, printTable } from './output';

/** Counts, bytes and latencies of one benchmark run. */
export class BenchStats {
  readonly latencies: number[] = [];
  bytes = 0;
  errors = 0;
  lastError: unknown;
  private readonly startedAt = process.hrtime.bigint();

  record(latencyMs: number, bytes: number): void {
    this.latencies.push(latencyMs);
    this.bytes += bytes;
  }

  fail(err: unknown): void {
    this.errors++;
    this.lastError = err;
  }

  get count(): number {
    return this.latencies.length;
  }

  elapsedSeconds(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  summary(): BenchSummary {
    const seconds = this.elapsedSeconds();
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      messages: this.count,
      errors: this.errors,
      seconds: round(seconds, 3),
      msgsPerSec: round(this.count / seconds, 0),
      mbPerSec: round(this.bytes / 1024 / 1024 / seconds, 2),
      p50Ms: round(percentile(sorted, 0.5), 2),
      p99Ms: round(percentile(sorted, 0.99), 2),
      p999Ms: round(percentile(sorted, 0.999), 2),
    };
  }
}

export interface BenchSummary {
  messages: number;
  errors: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
}

export function printSummary(summary: BenchSummary, latencyLabel: string, json: boolean): void {
  if (json) return printJson(summary);
  printTable(
    [
      'messages',
      'errors',
      'seconds',
      'msgs/s',
      'MB/s',
      `${latencyLabel} p50 ms`,
      'p99 ms',
      'p99.9 ms',
    ],
    [
      [
        summary.messages,
        summary.errors,
        summary.seconds,
        summary.msgsPerSec,
        summary.mbPerSec,
        summary.p50Ms,
        summary.p99Ms,
        summary.p999Ms,
      ],
    ],
  );
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
