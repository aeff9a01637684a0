import {
  PullSysFlag,
  type ConsumeFromWhere,
  type ConsumerData,
  type MessageModel,
  type MessageQueue,
} from '@rocketnest/protocol';
import { allocateAveragely, type AllocateStrategy } from './allocate';
import { ClientInstance, type ClientOptions } from './client-instance';
import { ConsumerApi } from './consumer-api';
import { MQClientError } from './errors';
import { Limiter } from './limiter';
import {
  compareQueues,
  queueKey,
  retryTopicOf,
  toConsumedMessage,
  type ConsumedMessage,
} from './message';
import { LocalFileOffsetStore, RemoteBrokerOffsetStore, type OffsetStore } from './offset-store';
import { every } from './periodic';
import { ProcessQueue } from './process-queue';
import { Rebalancer, type RebalanceTarget } from './rebalancer';
import { sleep } from './remote';
import { matches, subscription, subscriptionData, type Subscription } from './subscription';

export interface PushConsumerOptions extends ClientOptions {
  group: string;
  /** CLUSTERING (offsets on the broker, queues shared) or BROADCASTING (every member reads all). */
  messageModel?: MessageModel;
  /** Where a group without a committed offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP (ms). Default: half an hour ago. */
  consumeTimestamp?: number;
  allocateStrategy?: AllocateStrategy;
  /** Messages per pull. Default 32. */
  pullBatchSize?: number;
  /** Flow control: pause pulling a queue holding more messages than this. Default 1000. */
  pullThresholdForQueue?: number;
  /** Flow control: ... or more bytes than this. Default 100 MiB. */
  pullThresholdSizeForQueue?: number;
  /** Pause after flow control kicks in (ms). Default 50. */
  pullTimeDelayMsWhenFlowControl?: number;
  /** Pause after a failed pull (ms). Default 3000. */
  pullTimeDelayMsWhenException?: number;
  /** Long-poll hold time (ms). Default 15000. */
  brokerSuspendMaxTimeMs?: number;
  /** Periodic rebalance (ms). Default 20000. */
  rebalanceIntervalMs?: number;
  /** Offset commit period (ms). Default 5000. */
  persistConsumerOffsetIntervalMs?: number;
  /** Redeliveries before the DLQ. Default 16 (concurrent), unlimited (orderly). */
  maxReconsumeTimes?: number;
  /** Orderly: pause of a queue after a failure (ms). Default 1000. */
  suspendCurrentQueueTimeMs?: number;
  /** Orderly: broker lock renewal period (ms). Default 20000. */
  lockIntervalMs?: number;
  /** Broadcasting: directory of the local offset file. Default ~/.rocketmq_offsets. */
  offsetStoreDir?: string;
  /** How long stop() waits for messages being consumed (ms). Default 30000. */
  awaitTerminationMs?: number;
}

export type ConsumeResult = 'SUCCESS' | 'RECONSUME_LATER' | 'SUSPEND_CURRENT_QUEUE_A_MOMENT' | void;

export interface ConsumeContext {
  queue: MessageQueue;
  group: string;
}

export interface RunOptions {
  /** Messages handed to one listener call. Default 1. */
  batchSize?: number;
  /** Concurrent listener calls (concurrent mode). Default 20. */
  concurrency?: number;
  /** Consume each queue strictly in order, holding the queue's broker lock. */
  orderly?: boolean;
  eachMessage?: (
    message: ConsumedMessage,
    ctx: ConsumeContext,
  ) => Promise<ConsumeResult> | ConsumeResult;
  eachBatch?: (
    messages: ConsumedMessage[],
    ctx: ConsumeContext,
  ) => Promise<ConsumeResult> | ConsumeResult;
}

const LOCK_MAX_LIVE_MS = 30_000;
const LOCAL_RETRY_DELAY_MS = 5000;

/**
 * A push consumer (DefaultMQPushConsumer): subscribe, then `run` a listener. Queues are shared
 * by rebalance across the group's members; each assigned queue has a long-polling pull loop
 * feeding a process queue; failed messages go back to the broker for retry.
 */
export class PushConsumer {
  readonly group: string;
  private readonly rebalancer: Rebalancer;
  private readonly instance: ClientInstance;
  private readonly api: ConsumerApi;
  private readonly offsetStore: OffsetStore;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly processQueues = new Map<string, ProcessQueue>();
  private readonly o: Required<
    Omit<PushConsumerOptions, keyof ClientOptions | 'offsetStoreDir' | 'maxReconsumeTimes'>
  > & {
    maxReconsumeTimes?: number;
  };
  private run_?: Required<Pick<RunOptions, 'batchSize' | 'concurrency' | 'orderly'>> & RunOptions;
  private limiter = new Limiter(20);
  private state: 'created' | 'running' | 'stopping' | 'stopped' = 'created';
  private timers: NodeJS.Timeout[] = [];

  constructor(options: PushConsumerOptions) {
    if (!options.group) throw new MQClientError('consumer group is required');
    this.group = options.group;
    this.o = {
      group: options.group,
      messageModel: options.messageModel ?? 'CLUSTERING',
      consumeFromWhere: options.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
      consumeTimestamp: options.consumeTimestamp ?? Date.now() - 30 * 60_000,
      allocateStrategy: options.allocateStrategy ?? allocateAveragely,
      pullBatchSize: options.pullBatchSize ?? 32,
      pullThresholdForQueue: options.pullThresholdForQueue ?? 1000,
      pullThresholdSizeForQueue: options.pullThresholdSizeForQueue ?? 100 * 1024 * 1024,
      pullTimeDelayMsWhenFlowControl: options.pullTimeDelayMsWhenFlowControl ?? 50,
      pullTimeDelayMsWhenException: options.pullTimeDelayMsWhenException ?? 3000,
      brokerSuspendMaxTimeMs: options.brokerSuspendMaxTimeMs ?? 15_000,
      rebalanceIntervalMs: options.rebalanceIntervalMs ?? 20_000,
      persistConsumerOffsetIntervalMs: options.persistConsumerOffsetIntervalMs ?? 5000,
      maxReconsumeTimes: options.maxReconsumeTimes,
      suspendCurrentQueueTimeMs: options.suspendCurrentQueueTimeMs ?? 1000,
      lockIntervalMs: options.lockIntervalMs ?? 20_000,
      awaitTerminationMs: options.awaitTerminationMs ?? 30_000,
    };
    this.instance = new ClientInstance(options);
    this.api = new ConsumerApi(this.instance);
    this.rebalancer = new Rebalancer(this.instance, this.api, this.rebalanceTarget());
    this.offsetStore =
      this.o.messageModel === 'BROADCASTING'
        ? new LocalFileOffsetStore(
            options.offsetStoreDir,
            options.instanceName ?? 'DEFAULT',
            this.group,
          )
        : new RemoteBrokerOffsetStore(this.instance, this.group);
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  /** Queues this member currently consumes. */
  get assignedQueues(): MessageQueue[] {
    return [...this.processQueues.values()].map((pq) => pq.mq).sort(compareQueues);
  }

  /** Subscribes `topic` with a tag expression ("*", "TagA || TagB"); before or after run(). */
  subscribe(topic: string, expression = '*'): this {
    this.subscriptions.set(topic, subscription(topic, expression));
    if (this.state === 'running') {
      void this.instance.heartbeatAll();
      this.rebalanceSoon();
    }
    return this;
  }

  /** Starts consuming with `options`' listener. */
  async run(options: RunOptions): Promise<void> {
    if (this.state !== 'created')
      throw new MQClientError(`consumer ${this.group} is ${this.state}`);
    if (!options.eachMessage && !options.eachBatch)
      throw new MQClientError('run() needs eachMessage or eachBatch');
    if (this.subscriptions.size === 0)
      throw new MQClientError(`consumer ${this.group} has no subscription`);
    this.run_ = { batchSize: 1, concurrency: 20, orderly: false, ...options };
    this.limiter = new Limiter(this.run_.concurrency);
    if (this.o.messageModel === 'CLUSTERING') {
      this.subscriptions.set(retryTopicOf(this.group), subscription(retryTopicOf(this.group), '*'));
    }
    await this.offsetStore.load();
    this.instance.addConsumer({
      group: this.group,
      consumerData: () => this.consumerData(),
      rebalanceSoon: () => this.rebalanceSoon(),
      topics: () => [...this.subscriptions.keys()],
    });
    this.instance.start();
    this.state = 'running';
    for (const topic of this.subscriptions.keys())
      await this.instance.updateRoute(topic).catch(() => undefined);
    await this.instance.heartbeatAll();
    this.every(this.o.rebalanceIntervalMs, async () => this.rebalanceSoon());
    this.every(this.o.persistConsumerOffsetIntervalMs, () => this.persistOffsets(false));
    if (this.isOrderlyClustering()) this.every(this.o.lockIntervalMs, () => this.lockAll());
    await this.rebalancer.rebalance();
  }

  /** Stops pulling, waits for messages being consumed, commits offsets, unregisters. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.rebalancer.settled();
    const drained = Promise.all([
      this.limiter.idle(),
      ...[...this.processQueues.values()].map((pq) => pq.idle),
    ]);
    await Promise.race([drained, sleep(this.o.awaitTerminationMs)]);
    await this.persistOffsets(true);
    if (this.isOrderlyClustering()) await this.unlockAll();
    for (const pq of this.processQueues.values()) pq.dropped = true;
    this.processQueues.clear();
    this.state = 'stopped';
    await this.instance.shutdown();
  }

  // ---- rebalance -------------------------------------------------------------------------

  private every(ms: number, fn: () => Promise<unknown>): void {
    this.timers.push(every(ms, fn, this.instance.logger));
  }

  private rebalanceTarget(): RebalanceTarget {
    return {
      group: this.group,
      messageModel: this.o.messageModel,
      allocateStrategy: this.o.allocateStrategy,
      topics: () => this.subscriptions.keys(),
      heldQueues: (topic) =>
        [...this.processQueues.values()].map((pq) => pq.mq).filter((mq) => mq.topic === topic),
      removeQueue: (mq) => this.removeQueue(mq),
      addQueue: (mq) => this.addQueue(mq),
      isRunning: () => this.state === 'running',
    };
  }

  private consumerData(): ConsumerData {
    return {
      groupName: this.group,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.o.messageModel,
      consumeFromWhere: this.o.consumeFromWhere,
      subscriptionDataSet: [...this.subscriptions.values()].map(subscriptionData),
      unitMode: false,
    };
  }

  private isOrderlyClustering(): boolean {
    return Boolean(this.run_?.orderly) && this.o.messageModel === 'CLUSTERING';
  }

  rebalanceSoon(): void {
    this.rebalancer.soon();
  }

  private async removeQueue(mq: MessageQueue): Promise<void> {
    const pq = this.processQueues.get(queueKey(mq));
    if (!pq) return;
    this.processQueues.delete(queueKey(mq));
    pq.dropped = true;
    if (this.isOrderlyClustering()) {
      // Finish the batch in hand, commit, and only then let another member lock the queue.
      await Promise.race([pq.idle, sleep(this.o.awaitTerminationMs)]);
      await this.offsetStore.persist([pq.mq], true);
      await this.api.unlockBatch(this.group, pq.mq.brokerName, [pq.mq]).catch(() => undefined);
    } else {
      await this.offsetStore.persist([pq.mq], true);
    }
    this.offsetStore.remove(pq.mq);
  }

  private async addQueue(mq: MessageQueue): Promise<void> {
    const pq = new ProcessQueue(mq);
    if (this.isOrderlyClustering()) {
      const locked = await this.api.lockBatch(this.group, mq.brokerName, [mq]);
      if (!locked.some((l) => queueKey(l) === queueKey(mq))) return;
      pq.locked = true;
      pq.lastLockTimestamp = Date.now();
    }
    this.offsetStore.remove(mq);
    const offset = await this.computeStartOffset(mq);
    if (this.state !== 'running' || this.processQueues.has(queueKey(mq))) return;
    this.offsetStore.update(mq, offset, false);
    this.processQueues.set(queueKey(mq), pq);
    void this.pullLoop(pq, offset);
  }

  /** RebalancePushImpl.computePullFromWhere. */
  private async computeStartOffset(mq: MessageQueue): Promise<number> {
    const stored = await this.offsetStore.read(mq, true);
    if (stored >= 0) return stored;
    const retry = mq.topic.startsWith('%RETRY%');
    switch (this.o.consumeFromWhere) {
      case 'CONSUME_FROM_FIRST_OFFSET':
      case 'CONSUME_FROM_MIN_OFFSET':
        return 0;
      case 'CONSUME_FROM_TIMESTAMP':
        return retry ? this.api.maxOffset(mq) : this.api.searchOffset(mq, this.o.consumeTimestamp);
      default:
        return retry ? 0 : this.api.maxOffset(mq);
    }
  }

  // ---- pulling ---------------------------------------------------------------------------

  private async pullLoop(pq: ProcessQueue, startOffset: number): Promise<void> {
    let next = startOffset;
    const sub = () => this.subscriptions.get(pq.mq.topic);
    while (!pq.dropped && this.state === 'running') {
      const s = sub();
      if (!s) return;
      if (pq.count > this.o.pullThresholdForQueue || pq.size > this.o.pullThresholdSizeForQueue) {
        await sleep(this.o.pullTimeDelayMsWhenFlowControl);
        continue;
      }
      if (this.isOrderlyClustering() && !pq.lockValid(LOCK_MAX_LIVE_MS)) {
        await sleep(this.o.pullTimeDelayMsWhenException);
        continue;
      }
      try {
        // One pull per call: the loop's own frame keeps no message alive across the next
        // (long-polling) pull, which would copy them through a garbage collection or two.
        const pulled = await this.pullOnce(pq, s, next);
        if (pulled === undefined) return;
        next = pulled;
      } catch (err) {
        if (pq.dropped || this.state !== 'running') return;
        this.instance.logger.warn('pull failed', { mq: pq.mq, err: String(err) });
        await sleep(this.o.pullTimeDelayMsWhenException);
      }
    }
  }

  /** Pulls once from `offset` and dispatches what came; the next offset, or undefined to stop. */
  private async pullOnce(
    pq: ProcessQueue,
    s: Subscription,
    offset: number,
  ): Promise<number | undefined> {
    const result = await this.api.pull({
      group: this.group,
      mq: pq.mq,
      offset,
      maxMsgNums: this.o.pullBatchSize,
      sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMs: this.o.brokerSuspendMaxTimeMs,
      subscription: s.expression,
      subVersion: s.subVersion,
    });
    if (pq.dropped || this.state !== 'running') return undefined;
    pq.lastPullTimestamp = Date.now();
    const messages = result.messages
      .map((m) => toConsumedMessage(m, pq.mq.brokerName))
      .filter((m) => matches(s, m.properties.TAGS));
    const added = pq.put(messages);
    if (result.status === 'OFFSET_ILLEGAL') {
      this.instance.logger.warn('pull offset illegal, moving on', {
        mq: pq.mq,
        next: offset,
        nextBeginOffset: result.nextBeginOffset,
      });
      pq.clear();
      this.offsetStore.update(pq.mq, result.nextBeginOffset, false);
    }
    const next = result.nextBeginOffset;
    pq.advance(next);
    if (added.length > 0) this.dispatch(pq, added);
    else if (pq.count === 0) this.offsetStore.update(pq.mq, pq.commitableOffset());
    return next;
  }

  private dispatch(pq: ProcessQueue, added: ConsumedMessage[]): void {
    if (this.run_!.orderly) {
      this.consumeOrderly(pq);
      return;
    }
    const size = this.run_!.batchSize;
    for (let i = 0; i < added.length; i += size) {
      const batch = added.slice(i, i + size);
      void this.limiter.run(() => this.consumeConcurrently(pq, batch));
    }
  }

  /** Calls the listener; resolves true on success, false on a failure result or a throw. */
  private callListener(messages: ConsumedMessage[], mq: MessageQueue): Promise<boolean> {
    const run = this.run_!;
    const ctx: ConsumeContext = { queue: mq, group: this.group };
    if (run.eachBatch || messages.length !== 1) return this.callListenerInTurn(messages, ctx);
    // One message (the default batch size): a promise chain, not an async frame per message.
    try {
      return Promise.resolve(run.eachMessage!(messages[0]!, ctx)).then(
        succeeded,
        this.listenerFailed,
      );
    } catch (err) {
      return Promise.resolve(this.listenerFailed(err));
    }
  }

  private readonly listenerFailed = (err: unknown): boolean => {
    this.instance.logger.warn('listener failed', { group: this.group, err: String(err) });
    return false;
  };

  /** eachBatch, or eachMessage over several messages in turn (stopping at the first failure). */
  private async callListenerInTurn(
    messages: ConsumedMessage[],
    ctx: ConsumeContext,
  ): Promise<boolean> {
    const run = this.run_!;
    try {
      let result: ConsumeResult;
      if (run.eachBatch) result = await run.eachBatch(messages, ctx);
      else {
        for (const m of messages) {
          result = await run.eachMessage!(m, ctx);
          if (result && result !== 'SUCCESS') break;
        }
      }
      return succeeded(result!);
    } catch (err) {
      return this.listenerFailed(err);
    }
  }

  // ---- concurrent ------------------------------------------------------------------------

  private consumeConcurrently(pq: ProcessQueue, batch: ConsumedMessage[]): Promise<void> {
    if (pq.dropped || this.state !== 'running') return Promise.resolve();
    return this.callListener(batch, pq.mq).then((ok) =>
      ok || this.o.messageModel !== 'CLUSTERING'
        ? this.finishConcurrently(pq, batch)
        : this.sendBackFailed(pq, batch),
    );
  }

  /** Commits past finished messages: the lowest offset the queue still holds. */
  private finishConcurrently(pq: ProcessQueue, finished: readonly ConsumedMessage[]): void {
    if (pq.dropped) return;
    this.offsetStore.update(pq.mq, pq.remove(finished));
  }

  /**
   * A failed batch (clustering): each message goes back to the broker for a later retry; one the
   * broker would not take is consumed again here after a short delay.
   */
  private async sendBackFailed(pq: ProcessQueue, batch: ConsumedMessage[]): Promise<void> {
    const kept: ConsumedMessage[] = [];
    for (const msg of batch) {
      try {
        await this.api.sendBack(this.group, msg.brokerName, msg, 0, this.o.maxReconsumeTimes ?? 16);
      } catch (err) {
        this.instance.logger.warn('send back failed, consuming again locally', {
          msgId: msg.msgId,
          err: String(err),
        });
        kept.push(msg);
      }
    }
    if (kept.length > 0) {
      for (const m of kept) m.reconsumeTimes++;
      setTimeout(
        () => void this.limiter.run(() => this.consumeConcurrently(pq, kept)),
        LOCAL_RETRY_DELAY_MS,
      ).unref();
    }
    this.finishConcurrently(
      pq,
      batch.filter((m) => !kept.includes(m)),
    );
  }

  // ---- orderly ---------------------------------------------------------------------------

  private consumeOrderly(pq: ProcessQueue): void {
    if (pq.consuming) return;
    pq.consuming = true;
    pq.idle = (async () => {
      try {
        await this.orderlyLoop(pq);
      } finally {
        pq.consuming = false;
      }
    })();
  }

  private async orderlyLoop(pq: ProcessQueue): Promise<void> {
    const max = this.o.maxReconsumeTimes ?? Number.MAX_SAFE_INTEGER;
    while (this.state === 'running' && !pq.dropped) {
      if (this.isOrderlyClustering() && !pq.lockValid(LOCK_MAX_LIVE_MS)) return;
      const batch = pq.peek(this.run_!.batchSize);
      if (batch.length === 0) return;
      const ok = await this.callListener(batch, pq.mq);
      let commit = ok;
      if (!ok) {
        commit = true;
        for (const msg of batch) {
          if (msg.reconsumeTimes >= max && this.o.messageModel === 'CLUSTERING') {
            // Out of retries: straight to the DLQ, then go on with the next message.
            try {
              await this.api.sendBack(this.group, msg.brokerName, msg, -1, max);
              continue;
            } catch (err) {
              this.instance.logger.warn('send to DLQ failed', {
                msgId: msg.msgId,
                err: String(err),
              });
            }
          } else if (msg.reconsumeTimes >= max) continue;
          msg.reconsumeTimes++;
          commit = false;
        }
      }
      if (commit) {
        // Committed even when the queue was just dropped: the next owner must not redo it.
        this.offsetStore.update(pq.mq, pq.remove(batch));
      } else {
        await sleep(this.o.suspendCurrentQueueTimeMs);
      }
    }
  }

  private byBroker(): Map<string, ProcessQueue[]> {
    const out = new Map<string, ProcessQueue[]>();
    for (const pq of this.processQueues.values()) {
      const list = out.get(pq.mq.brokerName) ?? [];
      list.push(pq);
      out.set(pq.mq.brokerName, list);
    }
    return out;
  }

  private async lockAll(): Promise<void> {
    for (const [brokerName, pqs] of this.byBroker()) {
      try {
        const locked = new Set(
          (
            await this.api.lockBatch(
              this.group,
              brokerName,
              pqs.map((p) => p.mq),
            )
          ).map(queueKey),
        );
        for (const pq of pqs) {
          pq.locked = locked.has(queueKey(pq.mq));
          if (pq.locked) {
            pq.lastLockTimestamp = Date.now();
            if (pq.count > 0) this.consumeOrderly(pq);
          }
        }
      } catch (err) {
        this.instance.logger.warn('lock renewal failed', { brokerName, err: String(err) });
      }
    }
  }

  private async unlockAll(): Promise<void> {
    await Promise.allSettled(
      [...this.byBroker()].map(([brokerName, pqs]) =>
        this.api.unlockBatch(
          this.group,
          brokerName,
          pqs.map((p) => p.mq),
        ),
      ),
    );
  }

  private async persistOffsets(sync: boolean): Promise<void> {
    const mqs = [...this.processQueues.values()].map((pq) => pq.mq);
    await this.offsetStore.persist(mqs, sync);
  }
}

/** A listener result that counts as consumed: SUCCESS, or nothing returned. */
function succeeded(result: ConsumeResult): boolean {
  return !result || result === 'SUCCESS';
}
