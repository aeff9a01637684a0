import { PullSysFlag, type MessageQueue } from '@rocketnest/protocol';
import { ClientInstance, subscribeQueues, type ClientOptions } from './client-instance';
import { ConsumerApi } from './consumer-api';
import { MQClientError } from './errors';
import { compareQueues, queueKey, toConsumedMessage, type ConsumedMessage } from './message';
import { RemoteBrokerOffsetStore } from './offset-store';

export interface LitePullConsumerOptions extends ClientOptions {
  group: string;
  /** Where a queue without a committed offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET';
  /** Commit the consumed positions every `autoCommitIntervalMs`. Default true. */
  autoCommit?: boolean;
  /** Default 5000 ms. */
  autoCommitIntervalMs?: number;
  /** Messages per pull. Default 32. */
  pullBatchSize?: number;
  /** Fetched messages kept per queue before it is pulled again. Default 1000. */
  bufferPerQueue?: number;
  /** Default wait of `poll()`. Default 5000 ms. */
  pollTimeoutMs?: number;
}

interface QueueState {
  mq: MessageQueue;
  /** Next offset to fetch from the broker. */
  fetchOffset: number;
  /** Next offset after the last message handed out: what a commit stores. */
  consumedOffset: number;
  buffer: ConsumedMessage[];
  paused: boolean;
  /** The long poll in flight, if any. */
  pulling?: Promise<void>;
  /** Bumped by seek: results of pulls started before are dropped. */
  generation: number;
}

/**
 * RocketMQ's lite pull consumer, in assign mode: the application chooses the queues (`assign`),
 * `poll()` returns what has arrived (long polling the broker, at most `bufferPerQueue` messages
 * fetched ahead per queue), and positions are committed to the broker, automatically or with
 * `commit()`. Iterate with `for await (const msg of consumer)`.
 *
 * Subscribe mode (queues shared by the group through rebalance) is not implemented yet.
 */
export class LitePullConsumer implements AsyncIterable<ConsumedMessage> {
  private readonly instance: ClientInstance;
  private readonly api: ConsumerApi;
  private readonly offsets: RemoteBrokerOffsetStore;
  private readonly queues = new Map<string, QueueState>();
  private readonly o: Required<Omit<LitePullConsumerOptions, keyof ClientOptions>>;
  private arrivals: (() => void)[] = [];
  private commitTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(options: LitePullConsumerOptions) {
    if (!options.group) throw new MQClientError('consumer group is required');
    this.o = {
      group: options.group,
      consumeFromWhere: options.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
      autoCommit: options.autoCommit ?? true,
      autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5000,
      pullBatchSize: options.pullBatchSize ?? 32,
      bufferPerQueue: options.bufferPerQueue ?? 1000,
      pollTimeoutMs: options.pollTimeoutMs ?? 5000,
    };
    this.instance = new ClientInstance(options);
    this.api = new ConsumerApi(this.instance);
    this.offsets = new RemoteBrokerOffsetStore(this.instance, this.o.group);
  }

  async start(): Promise<void> {
    this.instance.start();
    this.running = true;
    if (this.o.autoCommit) {
      this.commitTimer = setInterval(
        () => void this.commit().catch(() => undefined),
        this.o.autoCommitIntervalMs,
      );
      this.commitTimer.unref();
    }
  }

  /** The readable queues of a topic, from the name server. */
  async queuesOf(topic: string): Promise<MessageQueue[]> {
    return subscribeQueues(topic, await this.instance.route(topic)).sort(compareQueues);
  }

  /** Consumes exactly these queues, starting at their committed offsets (or consumeFromWhere). */
  async assign(queues: MessageQueue[]): Promise<void> {
    const wanted = new Set(queues.map(queueKey));
    for (const [key, state] of this.queues) {
      if (!wanted.has(key)) {
        this.queues.delete(key);
        this.offsets.remove(state.mq);
      }
    }
    for (const mq of queues) {
      if (this.queues.has(queueKey(mq))) continue;
      const offset = await this.startOffset(mq);
      this.queues.set(queueKey(mq), {
        mq,
        fetchOffset: offset,
        consumedOffset: offset,
        buffer: [],
        paused: false,
        generation: 0,
      });
    }
    this.wake();
  }

  private async startOffset(mq: MessageQueue): Promise<number> {
    const committed = await this.offsets.read(mq, true);
    if (committed >= 0) return committed;
    return this.o.consumeFromWhere === 'CONSUME_FROM_FIRST_OFFSET'
      ? this.api.minOffset(mq)
      : this.api.maxOffset(mq);
  }

  /** Messages that arrived (up to `maxMessages`), waiting up to `timeoutMs` for the first. */
  async poll(
    timeoutMs = this.o.pollTimeoutMs,
    maxMessages = this.o.pullBatchSize,
  ): Promise<ConsumedMessage[]> {
    if (!this.running) throw new MQClientError('the consumer is not started');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const batch = this.take(maxMessages);
      if (batch.length > 0 || Date.now() >= deadline) return batch;
      this.fetch(deadline - Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.arrivals.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Hands out buffered messages, round robin over unpaused queues, and moves their positions. */
  private take(max: number): ConsumedMessage[] {
    const out: ConsumedMessage[] = [];
    let progressed = true;
    while (out.length < max && progressed) {
      progressed = false;
      for (const state of this.queues.values()) {
        if (state.paused || state.buffer.length === 0 || out.length >= max) continue;
        const msg = state.buffer.shift()!;
        state.consumedOffset = msg.queueOffset + 1;
        out.push(msg);
        progressed = true;
      }
    }
    return out;
  }

  /** Starts a long poll for every queue that has room and none in flight. */
  private fetch(holdMs: number): void {
    for (const state of this.queues.values()) {
      if (state.paused || state.pulling || state.buffer.length >= this.o.bufferPerQueue) continue;
      state.pulling = this.pullOnce(state, Math.max(0, Math.min(holdMs, 15_000))).finally(() => {
        state.pulling = undefined;
      });
    }
  }

  private async pullOnce(state: QueueState, holdMs: number): Promise<void> {
    const generation = state.generation;
    try {
      const result = await this.api.pull({
        group: this.o.group,
        mq: state.mq,
        offset: state.fetchOffset,
        maxMsgNums: this.o.pullBatchSize,
        sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
        commitOffset: 0,
        suspendTimeoutMs: holdMs,
        subscription: '*',
        subVersion: 0,
        lite: true,
      });
      if (generation !== state.generation || !this.queues.has(queueKey(state.mq))) return;
      if (result.status === 'FOUND') {
        state.buffer.push(...result.messages.map((m) => toConsumedMessage(m, state.mq.brokerName)));
      }
      state.fetchOffset = result.nextBeginOffset;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.arrivals;
    this.arrivals = [];
    for (const w of waiters) w();
  }

  /** Commits the consumed positions of every assigned queue (or those given) to the broker. */
  async commit(queues?: MessageQueue[]): Promise<void> {
    const states = queues
      ? queues.map((mq) => this.queues.get(queueKey(mq))).filter((s) => s !== undefined)
      : [...this.queues.values()];
    for (const state of states) this.offsets.update(state.mq, state.consumedOffset, false);
    await this.offsets.persist(
      states.map((s) => s.mq),
      true,
    );
  }

  /** The next `poll()` of this queue starts at `offset`. */
  seek(mq: MessageQueue, offset: number): void {
    const state = this.queues.get(queueKey(mq));
    if (!state) throw new MQClientError(`queue ${queueKey(mq)} is not assigned`);
    state.generation++;
    state.buffer = [];
    state.fetchOffset = offset;
    state.consumedOffset = offset;
    this.offsets.update(mq, offset, false);
    this.wake();
  }

  async seekToBeginning(mq: MessageQueue): Promise<void> {
    this.seek(mq, await this.api.minOffset(mq));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    this.seek(mq, await this.api.maxOffset(mq));
  }

  /** Paused queues are neither fetched nor handed out until resumed; their buffer is kept. */
  pause(queues: MessageQueue[]): void {
    for (const mq of queues) {
      const state = this.queues.get(queueKey(mq));
      if (state) state.paused = true;
    }
  }

  resume(queues: MessageQueue[]): void {
    for (const mq of queues) {
      const state = this.queues.get(queueKey(mq));
      if (state) state.paused = false;
    }
    this.wake();
  }

  /** Messages one by one until `shutdown()`; positions move as each is yielded. */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumedMessage> {
    while (this.running) {
      for (const msg of await this.poll(this.o.pollTimeoutMs, 1)) yield msg;
    }
  }

  /** Commits (auto-commit mode) and closes the connections. */
  async shutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.commitTimer) clearInterval(this.commitTimer);
    this.wake();
    if (this.o.autoCommit) await this.commit().catch(() => undefined);
    await this.instance.shutdown();
  }
}
