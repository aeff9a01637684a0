/** Runs at most `limit` tasks at once; `idle()` resolves when none runs or waits. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  get active(): number {
    return this.running + this.waiting.length;
  }

  /**
   * Runs `task` now when a slot is free, else once one frees. Not an async function: a task that
   * starts at once costs one promise reaction, not an async frame (this runs per message).
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) {
      this.running++;
      return this.start(task);
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.start(task));
  }

  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Runs `task` in a slot already counted in `running`, and frees the slot when it settles. */
  private start<T>(task: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = task();
    } catch (err) {
      this.release();
      return Promise.reject(err as Error);
    }
    result.then(this.release, this.release);
    return result;
  }

  /** Hands the slot to the next waiting task, or frees it. */
  private readonly release = (): void => {
    const next = this.waiting.shift();
    if (next) next();
    else {
      this.running--;
      if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  };
}
