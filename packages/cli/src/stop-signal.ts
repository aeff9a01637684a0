/**
 * Ctrl-C (SIGINT) or SIGTERM asks a long-running command to stop: it finishes what it is doing,
 * commits and exits 0. A second signal exits at once (130).
 */
export class StopSignal {
  requested = false;
  private readonly waiters: (() => void)[] = [];
  private readonly onSignal = () => {
    if (this.requested) process.exit(130);
    this.requested = true;
    for (const w of this.waiters.splice(0)) w();
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Resolves when a stop is requested. */
  wait(): Promise<void> {
    return this.requested ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
