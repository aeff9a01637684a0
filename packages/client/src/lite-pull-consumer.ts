import { PullSysFlag, type ConsumerData, type MessageQueue } from '@rocketnest/protocol';
import { allocateAveragely, type AllocateStrategy } from './allocate';
import { ClientInstance, subscribeQueues, type ClientOptions } from './client-instance';
import { ConsumerApi } from './consumer-api';
import { MQClientError } from './errors';
import { compareQueues, queueKey, toConsumedMessage, type ConsumedMessage } from './message';
import { RemoteBrokerOffsetStore } from './offset-store';
import { every } from './periodic';
import { Rebalancer, type RebalanceTarget } from './rebalancer';
import { matches, subscription, subscriptionData, type Subscription } from './subscription';

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
  /** Subscribe mode: how queues are shared by the group's members. Default allocateAveragely. */
  allocateStrategy?: AllocateStrategy;
  /** Subscribe mode: periodic rebalance (ms). Default 20000. */
  rebalanceIntervalMs?: number;
}

/** A position to commit: the next offset of `queue` to consume. */
export interface QueueOffset {
  queue: MessageQueue;
  offset: number;
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
 * RocketMQ's lite pull consumer. Either the group's members share the queues of the topics they
 * `subscribe` (rebalanced as members come and go, like the push consumer), or the application
 * chooses the queues itself (`assign`). `poll()` returns what has arrived (long polling the
 * broker, at most `bufferPerQueue` messages fetched ahead per queue), and positions are committed
 * to the broker, automatically or with `commit()`. Iterate with `for await (const msg of consumer)`.
 */
export class LitePullConsumer implements AsyncIterable<ConsumedMessage> {
  readonly group: string;
  private readonly instance: ClientInstance;
  private readonly api: ConsumerApi;
  private readonly offsets: RemoteBrokerOffsetStore;
  private readonly rebalancer: Rebalancer;
  private readonly queues = new Map<string, QueueState>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly o: Required<Omit<LitePullConsumerOptions, keyof ClientOptions>>;
  private arrivals: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private assigned = false;

  constructor(options: LitePullConsumerOptions) {
    if (!options.group) throw new MQClientError('consumer group is required');
    this.group = options.group;
    this.o = {
      group: options.group,
      consumeFromWhere: options.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
      autoCommit: options.autoCommit ?? true,
      autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5000,
      pullBatchSize: options.pullBatchSize ?? 32,
      bufferPerQueue: options.bufferPerQueue ?? 1000,
      pollTimeoutMs: options.pollTimeoutMs ?? 5000,
      allocateStrategy: options.allocateStrategy ?? allocateAveragely,
      rebalanceIntervalMs: options.rebalanceIntervalMs ?? 20_000,
    };
    this.instance = new ClientInstance(options);
    this.api = new ConsumerApi(this.instance);
    this.offsets = new RemoteBrokerOffsetStore(this.instance, this.o.group);
    this.rebalancer = new Rebalancer(this.instance, this.api, this.rebalanceTarget());
  }

  /** Started and not shut down. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Commits positions itself (`autoCommit`); when false, only `commit()` does. */
  get autoCommit(): boolean {
    return this.o.autoCommit;
  }

  /** Queues this consumer reads now (assigned, or allocated to it by rebalance). */
  get assignedQueues(): MessageQueue[] {
    return [...this.queues.values()].map((s) => s.mq).sort(compareQueues);
  }

  /** Messages fetched from the broker and not yet handed out by `poll()`. */
  get bufferedCount(): number {
    let n = 0;
    for (const state of this.queues.values()) n += state.buffer.length;
    return n;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.instance.start();
    this.running = true;
    if (this.o.autoCommit) {
      this.every(this.o.autoCommitIntervalMs, () => this.commit());
    }
    if (this.subscriptions.size > 0) await this.joinGroup();
  }

  /**
   * Subscribe mode: reads `topic` (messages whose tag matches `expression`, "*" or
   * "TagA || TagB") from the queues rebalance gives this member. Call before start(); after it,
   * the new subscription is joined in the background.
   */
  subscribe(topic: string, expression = '*'): this {
    if (this.assigned) throw new MQClientError('subscribe and assign are mutually exclusive');
    const fresh = this.subscriptions.size === 0;
    this.subscriptions.set(topic, subscription(topic, expression));
    if (this.running) {
      const joined = fresh
        ? this.joinGroup()
        : this.instance.heartbeatAll().then(() => this.rebalancer.soon());
      joined.catch((err: unknown) =>
        this.instance.logger.warn('subscribe failed', { topic, err: String(err) }),
      );
    }
    return this;
  }

  /** Registers with the brokers as a member of the group and takes this member's queues. */
  private async joinGroup(): Promise<void> {
    for (const topic of this.subscriptions.keys()) await this.instance.updateRoute(topic);
    this.instance.addConsumer({
      group: this.group,
      consumerData: () => this.consumerData(),
      rebalanceSoon: () => this.rebalancer.soon(),
      topics: () => [...this.subscriptions.keys()],
    });
    await this.instance.heartbeatAll();
    this.every(this.o.rebalanceIntervalMs, async () => this.rebalancer.soon());
    await this.rebalancer.rebalance();
  }

  private consumerData(): ConsumerData {
    return {
      groupName: this.group,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: this.o.consumeFromWhere,
      subscriptionDataSet: [...this.subscriptions.values()].map(subscriptionData),
      unitMode: false,
    };
  }

  private rebalanceTarget(): RebalanceTarget {
    return {
      group: this.group,
      messageModel: 'CLUSTERING',
      allocateStrategy: this.o.allocateStrategy,
      topics: () => this.subscriptions.keys(),
      heldQueues: (topic) => this.assignedQueues.filter((mq) => mq.topic === topic),
      removeQueue: (mq) => this.dropQueue(mq),
      addQueue: (mq) => this.addQueue(mq),
      isRunning: () => this.running,
    };
  }

  /**
   * Stores what this member finished of a queue it loses: its consumed position with auto-commit,
   * else its last commit; messages polled and not committed go to the next owner again.
   */
  private async dropQueue(mq: MessageQueue): Promise<void> {
    const state = this.queues.get(queueKey(mq));
    if (!state) return;
    this.queues.delete(queueKey(mq));
    if (this.o.autoCommit) this.offsets.update(mq, state.consumedOffset, false);
    await this.offsets.persist([mq], true);
    this.offsets.remove(mq);
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    this.timers.push(every(ms, fn, this.instance.logger));
  }

  /** The readable queues of a topic, from the name server. */
  async queuesOf(topic: string): Promise<MessageQueue[]> {
    return subscribeQueues(topic, await this.instance.route(topic)).sort(compareQueues);
  }

  /** Consumes exactly these queues, starting at their committed offsets (or consumeFromWhere). */
  async assign(queues: MessageQueue[]): Promise<void> {
    if (this.subscriptions.size > 0) {
      throw new MQClientError('subscribe and assign are mutually exclusive');
    }
    this.assigned = true;
    const wanted = new Set(queues.map(queueKey));
    for (const [key, state] of this.queues) {
      if (!wanted.has(key)) {
        this.queues.delete(key);
        this.offsets.remove(state.mq);
      }
    }
    for (const mq of queues) await this.addQueue(mq);
  }

  private async addQueue(mq: MessageQueue): Promise<void> {
    if (this.queues.has(queueKey(mq))) return;
    this.offsets.remove(mq);
    const offset = await this.startOffset(mq);
    if (this.queues.has(queueKey(mq))) return;
    this.queues.set(queueKey(mq), {
      mq,
      fetchOffset: offset,
      consumedOffset: offset,
      buffer: [],
      paused: false,
      generation: 0,
    });
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
    const sub = this.subscriptions.get(state.mq.topic);
    try {
      const result = await this.api.pull({
        group: this.o.group,
        mq: state.mq,
        offset: state.fetchOffset,
        maxMsgNums: this.o.pullBatchSize,
        sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
        commitOffset: 0,
        suspendTimeoutMs: holdMs,
        subscription: sub?.expression ?? '*',
        subVersion: sub?.subVersion ?? 0,
        lite: true,
      });
      if (generation !== state.generation || this.queues.get(queueKey(state.mq)) !== state) return;
      for (const m of result.messages) {
        const msg = toConsumedMessage(m, state.mq.brokerName);
        if (!sub || matches(sub, msg.tags)) state.buffer.push(msg);
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
    await this.commitOffsets(states.map((s) => ({ queue: s.mq, offset: s.consumedOffset })));
  }

  /**
   * Commits exactly these positions (for example the lowest unprocessed offset of each queue when
   * messages finish out of order). Queues this consumer no longer reads are skipped: their new
   * owner commits them.
   */
  async commitOffsets(positions: readonly QueueOffset[]): Promise<void> {
    const held = positions.filter((p) => this.queues.has(queueKey(p.queue)));
    for (const p of held) this.offsets.update(p.queue, p.offset, false);
    await this.offsets.persist(
      held.map((p) => p.queue),
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
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.rebalancer.settled();
    this.wake();
    if (this.o.autoCommit) await this.commit().catch(() => undefined);
    await this.instance.shutdown();
  }
}
