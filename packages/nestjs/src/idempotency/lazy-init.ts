/**
 * Runs `setup` once and shares its promise; a failed setup is forgotten so the next call retries
 * (a database that was down at startup must not break the store forever).
 */
export class LazyInit {
  private pending?: Promise<void>;

  constructor(private readonly setup: () => Promise<void>) {}

  run(): Promise<void> {
    this.pending ??= this.setup().catch((error: unknown) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }
}
