import { performance } from 'node:perf_hooks';

/**
 * One live status line on stderr: what runs, how many messages so far, for how long. Redrawn in
 * place on a terminal; elsewhere (CI logs) only each step's start is printed.
 */
class Progress {
  private label = '';
  private count = 0;
  private total = 0;
  private startedAt = 0;
  private timer?: NodeJS.Timeout;
  private readonly live = process.stderr.isTTY === true;

  step(label: string, total = 0): void {
    this.label = label;
    this.count = 0;
    this.total = total;
    this.startedAt = performance.now();
    if (!this.live) process.stderr.write(`bench: ${label}\n`);
    else if (!this.timer) this.timer = setInterval(() => this.draw(), 200).unref();
    this.draw();
  }

  /** A permanent line above the live one. */
  log(line: string): void {
    process.stderr.write(`${this.live ? '\r\x1b[K' : ''}bench: ${line}\n`);
    this.draw();
  }

  add(n: number): void {
    this.count += n;
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.live) process.stderr.write('\r\x1b[K');
  }

  private draw(): void {
    if (!this.live) return;
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(1);
    const of = this.total > 0 ? `/${this.total.toLocaleString('en-US')}` : '';
    const line = `bench: ${this.label}: ${this.count.toLocaleString('en-US')}${of} msgs, ${seconds} s`;
    process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
  }
}

export const progress = new Progress();
