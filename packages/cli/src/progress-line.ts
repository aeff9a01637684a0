import type { BenchStats } from './bench-stats';

/**
 * A line on stderr rewritten every half second while a benchmark runs, only when stderr is a
 * terminal (redirected output stays clean).
 */
export class ProgressLine {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stats: BenchStats,
    private readonly total: number,
    private readonly verb: string,
  ) {
    if (process.stderr.isTTY) this.timer = setInterval(() => this.draw(), 500);
  }

  private draw(): void {
    const seconds = this.stats.elapsedSeconds();
    const rate = Math.round(this.stats.count / Math.max(seconds, 1e-3));
    const errors = this.stats.errors > 0 ? `, ${this.stats.errors} errors` : '';
    process.stderr.write(
      `\r${this.verb} ${this.stats.count}/${this.total} (${rate} msg/s${errors}, ${seconds.toFixed(1)} s)\x1b[K`,
    );
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.draw();
    process.stderr.write('\n');
  }
}
