/**
 * Coalesces single sends into batches (RocketMQ 5's autoBatch, Kafka's record accumulator).
 *
 * Sends added during one turn of the event loop wait for the end of that turn (or `lingerMs`),
 * then go out per key (the producer's key is the topic): one message as an ordinary send, several
 * as one batch request. A send that is alone in its turn therefore costs one `setImmediate` of
 * latency and nothing else, while many sends in flight share request headers, round trips and
 * store appends.
 */

/** One send waiting in the accumulator; `T` is the producer's encoded message. */
export interface PendingSend<T, R> {
  item: T;
  timeoutMs: number;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export interface AccumulatorOptions<T, R> {
  /** A batch is sent as soon as its items' sizes reach this many bytes. */
  maxBytes: number;
  /** How long the first send of a batch may wait for company; 0 = the end of this turn. */
  lingerMs: number;
  sizeOf(item: T): number;
  /** Sends the items of one key (one or more, in the order they were added). */
  send(batch: PendingSend<T, R>[]): Promise<void>;
}

interface OpenBatch<T, R> {
  pending: PendingSend<T, R>[];
  bytes: number;
}

export class SendAccumulator<T, R> {
  private readonly open = new Map<string, OpenBatch<T, R>>();
  private readonly sending = new Set<Promise<void>>();
  private timer: { cancel(): void } | undefined;

  constructor(private readonly options: AccumulatorOptions<T, R>) {}

  add(key: string, item: T, timeoutMs: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const size = this.options.sizeOf(item);
      let batch = this.open.get(key);
      if (batch && batch.bytes + size > this.options.maxBytes) {
        this.sendBatch(key, batch);
        batch = undefined;
      }
      if (!batch) {
        batch = { pending: [], bytes: 0 };
        this.open.set(key, batch);
      }
      batch.pending.push({ item, timeoutMs, resolve, reject });
      batch.bytes += size;
      this.timer ??= this.schedule();
    });
  }

  /** Sends everything waiting now and resolves once every send so far has settled. */
  async drain(): Promise<void> {
    this.flush();
    while (this.sending.size > 0) await Promise.allSettled([...this.sending]);
  }

  private schedule(): { cancel(): void } {
    if (this.options.lingerMs > 0) {
      const timeout = setTimeout(this.flush, this.options.lingerMs);
      return { cancel: () => clearTimeout(timeout) };
    }
    const immediate = setImmediate(this.flush);
    return { cancel: () => clearImmediate(immediate) };
  }

  private readonly flush = (): void => {
    this.timer?.cancel();
    this.timer = undefined;
    for (const [key, batch] of this.open) this.sendBatch(key, batch);
  };

  private sendBatch(key: string, batch: OpenBatch<T, R>): void {
    if (this.open.get(key) === batch) this.open.delete(key);
    const sent = this.options.send(batch.pending).catch((err: unknown) => {
      for (const p of batch.pending) p.reject(err);
    });
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}
