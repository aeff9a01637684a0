import { Observable, type Subscriber } from 'rxjs';
import { LitePullConsumer, MQClientError, type LitePullConsumerOptions } from '@rocketnest/client';
import { AckTracker } from './ack-tracker';
import type { StreamMessage } from './stream-message';

export interface MessageStreamOptions {
  /** Topic to subscribe (required when the stream creates its consumer). */
  topic?: string;
  /** Tag expression of the subscription: "*" (default) or "TagA || TagB". */
  tags?: string;
  /**
   * Emitted and not yet acknowledged messages at most: at this bound the stream stops pulling
   * until the pipeline acknowledges some. Default 100.
   */
  maxUnacked?: number;
  /** How often acknowledged positions are committed to the broker (ms). Default 1000. */
  commitIntervalMs?: number;
  /** Wait of one poll of the consumer (ms); also how soon a consumer shutdown is seen. Default 1000. */
  pollTimeoutMs?: number;
}

const DEFAULT_MAX_UNACKED = 100;
/** Fetch-ahead per queue of a consumer the stream creates: small, so memory stays bounded. */
const DEFAULT_STREAM_BUFFER_PER_QUEUE = 32;

/**
 * A cold Observable of the messages of a lite pull consumer, pulled only as fast as the
 * pipeline acknowledges them (docs/client.md, "RxJS pull streams", says why acknowledgements).
 *
 * - `source` a LitePullConsumer (started if needed, never shut down by the stream; it must have
 *   `autoCommit: false`), or its options: each subscription then creates, subscribes and shuts
 *   down its own consumer.
 * - Each message carries `ack()`; commits move to the lowest unacknowledged offset of each queue
 *   (at-least-once), periodically and when the subscription ends.
 * - Unsubscribing (or a pipeline error) stops pulling and commits what was acknowledged; the
 *   stream completes when the consumer is shut down, and errors when the consumer cannot start.
 */
export function messageStream(
  source: LitePullConsumer | LitePullConsumerOptions,
  options: MessageStreamOptions = {},
): Observable<StreamMessage> {
  return new Observable<StreamMessage>((subscriber) => {
    const owned = !(source instanceof LitePullConsumer);
    const consumer = owned ? ownConsumer(source, options) : source;
    const run = new StreamRun(consumer, options, subscriber, owned);
    return () => void run.stop();
  });
}

function ownConsumer(
  source: LitePullConsumerOptions,
  options: MessageStreamOptions,
): LitePullConsumer {
  if (!options.topic) throw new MQClientError('messageStream needs a topic to subscribe');
  return new LitePullConsumer({
    bufferPerQueue: DEFAULT_STREAM_BUFFER_PER_QUEUE,
    ...source,
    autoCommit: false,
  }).subscribe(options.topic, options.tags);
}

/** One subscription of a message stream: its pull loop, acknowledgements and commits. */
class StreamRun {
  private readonly tracker = new AckTracker();
  private readonly maxUnacked: number;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly starting: Promise<void>;
  private committing: Promise<void> = Promise.resolve();
  private commitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly consumer: LitePullConsumer,
    private readonly options: MessageStreamOptions,
    private readonly subscriber: Subscriber<StreamMessage>,
    private readonly owned: boolean,
  ) {
    this.maxUnacked = options.maxUnacked ?? DEFAULT_MAX_UNACKED;
    this.starting = this.start();
  }

  private async start(): Promise<void> {
    try {
      if (this.maxUnacked < 1) throw new MQClientError('maxUnacked must be at least 1');
      if (this.consumer.autoCommit) {
        throw new MQClientError(
          'messageStream commits acknowledged offsets itself: create the consumer with autoCommit: false',
        );
      }
      if (!this.owned && this.options.topic)
        this.consumer.subscribe(this.options.topic, this.options.tags);
      await this.consumer.start();
    } catch (err) {
      this.subscriber.error(err);
      return;
    }
    if (this.stopped) return;
    this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs ?? 1000);
    this.commitTimer.unref();
    this.loop = this.pullLoop().then(
      () => this.subscriber.complete(),
      (err: unknown) => this.subscriber.error(err),
    );
  }

  private async pullLoop(): Promise<void> {
    const timeoutMs = this.options.pollTimeoutMs ?? 1000;
    while (!this.stopped && this.consumer.isRunning) {
      if (this.tracker.unackedCount >= this.maxUnacked) {
        await this.tracker.nextAck();
        continue;
      }
      const room = this.maxUnacked - this.tracker.unackedCount;
      let batch;
      try {
        batch = await this.consumer.poll(timeoutMs, room);
      } catch (err) {
        // Shut down while polling: the stream completes.
        if (!this.consumer.isRunning) return;
        throw err;
      }
      for (const msg of batch) {
        // Messages polled after unsubscribe are neither emitted nor committed: they come again.
        if (this.stopped) return;
        this.subscriber.next(this.tracker.track(msg));
      }
    }
  }

  /** Commits what was acknowledged; one commit at a time, in order. */
  private commit(): Promise<void> {
    this.committing = this.committing.catch(ignore).then(async () => {
      const positions = this.tracker.takePositions();
      if (positions.length > 0 && this.consumer.isRunning) {
        await this.consumer.commitOffsets(positions);
      }
    });
    return this.committing;
  }

  /** Unsubscribe: stop pulling, commit the acknowledged, shut down a consumer of our own. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.commitTimer);
    this.tracker.wakeWaiters();
    await this.starting;
    await this.commit().catch(ignore);
    if (!this.owned) return;
    await this.loop;
    await this.consumer.shutdown();
  }
}

/** Commit failures are retried by the next commit, which carries the same or later positions. */
const ignore = (): void => undefined;
