import type { MessageModel, MessageQueue } from '@rocketnest/protocol';
import type { AllocateStrategy } from './allocate';
import { subscribeQueues, type ClientInstance } from './client-instance';
import type { ConsumerApi } from './consumer-api';
import { queueKey } from './message';

/** What a consumer exposes so a Rebalancer can move its queues. */
export interface RebalanceTarget {
  readonly group: string;
  readonly messageModel: MessageModel;
  readonly allocateStrategy: AllocateStrategy;
  /** Subscribed topics, in the order they are rebalanced. */
  topics(): Iterable<string>;
  /** Queues of `topic` this member consumes now. */
  heldQueues(topic: string): MessageQueue[];
  /** Stops consuming `mq` (commit what was finished); the queue is already no longer wanted. */
  removeQueue(mq: MessageQueue): Promise<void>;
  /** Starts consuming `mq`. */
  addQueue(mq: MessageQueue): Promise<void>;
  isRunning(): boolean;
}

/**
 * RocketMQ's RebalanceImpl, shared by the push and the lite pull consumer: for each subscribed
 * topic, asks a broker for the group's members, lets the allocation strategy pick this member's
 * queues (every queue when broadcasting) and tells the consumer which to drop and which to add.
 * One rebalance runs at a time; a request during one runs another right after.
 */
export class Rebalancer {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly instance: ClientInstance,
    private readonly api: ConsumerApi,
    private readonly target: RebalanceTarget,
  ) {}

  /** Rebalances in the background (NOTIFY_CONSUMER_IDS_CHANGED, timers, new subscriptions). */
  soon(): void {
    if (!this.target.isRunning()) return;
    void this.rebalance().catch((err: unknown) =>
      this.instance.logger.warn('rebalance failed', {
        group: this.target.group,
        err: String(err),
      }),
    );
  }

  /** Resolves when the rebalance in progress (if any) is over. */
  async settled(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  rebalance(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (const topic of this.target.topics()) {
            if (!this.target.isRunning()) return;
            await this.rebalanceTopic(topic).catch((err: unknown) =>
              this.instance.logger.warn('rebalance of topic failed', { topic, err: String(err) }),
            );
          }
        } while (this.again && this.target.isRunning());
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async rebalanceTopic(topic: string): Promise<void> {
    const allocated = await this.allocate(topic);
    if (!allocated) return;
    const wanted = new Set(allocated.map(queueKey));
    await Promise.all(
      this.target
        .heldQueues(topic)
        .filter((mq) => !wanted.has(queueKey(mq)))
        .map((mq) => this.target.removeQueue(mq)),
    );
    const held = new Set(this.target.heldQueues(topic).map(queueKey));
    for (const mq of allocated) {
      if (!this.target.isRunning() || held.has(queueKey(mq))) continue;
      await this.target
        .addQueue(mq)
        .catch((err: unknown) =>
          this.instance.logger.warn('cannot start consuming queue', { mq, err: String(err) }),
        );
    }
  }

  /** This member's share of `topic`; undefined when it cannot be known now (keep what is held). */
  private async allocate(topic: string): Promise<MessageQueue[] | undefined> {
    const route = this.instance.cachedRoute(topic) ?? (await this.instance.updateRoute(topic));
    const mqs = subscribeQueues(topic, route);
    if (this.target.messageModel === 'BROADCASTING') return mqs;
    if (mqs.length === 0) return undefined;
    const brokerName = mqs[Math.floor(Math.random() * mqs.length)]!.brokerName;
    const ids = (await this.api.consumerIds(this.target.group, topic, brokerName)).sort();
    if (ids.length === 0) return undefined;
    return this.target.allocateStrategy(this.target.group, this.instance.clientId, mqs, ids);
  }
}
