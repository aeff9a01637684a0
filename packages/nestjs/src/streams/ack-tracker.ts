import { ProcessQueue, queueKey, type QueueOffset } from '@rocketnest/client';
import type { ConsumedMessage } from '@rocketnest/client';
import type { StreamMessage } from './stream-message';

/**
 * The messages a stream emitted and the pipeline has not acknowledged yet, per queue. What may
 * be committed for a queue is its lowest unacknowledged offset (the client's ProcessQueue
 * rule), so messages acknowledged out of order (mergeMap) never let the commit skip one still
 * in flight.
 */
export class AckTracker {
  private readonly queues = new Map<string, ProcessQueue>();
  private readonly changed = new Set<string>();
  private unacked = 0;
  private waiters: (() => void)[] = [];

  get unackedCount(): number {
    return this.unacked;
  }

  /** Adds `ack()` to `msg` and counts it as unacknowledged. */
  track(msg: ConsumedMessage): StreamMessage {
    const key = queueKey({ topic: msg.topic, brokerName: msg.brokerName, queueId: msg.queueId });
    let pq = this.queues.get(key);
    if (!pq || pq.put([msg]).length === 0) {
      // First message of the queue, or the consumer went back (rebalance, seek): start over.
      pq = new ProcessQueue({ topic: msg.topic, brokerName: msg.brokerName, queueId: msg.queueId });
      pq.put([msg]);
      this.queues.set(key, pq);
    }
    this.unacked++;
    const owner = pq;
    let acked = false;
    return Object.assign(msg, {
      ack: () => {
        if (acked) return;
        acked = true;
        this.unacked--;
        owner.remove([msg]);
        if (this.queues.get(key) === owner) this.changed.add(key);
        this.wakeWaiters();
      },
    });
  }

  /** Resolves at the next acknowledgement (or `wakeWaiters()`). */
  nextAck(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves every `nextAck()` (also used to stop the stream). */
  wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Commit positions of the queues acknowledged since the last call. */
  takePositions(): QueueOffset[] {
    const out: QueueOffset[] = [];
    for (const key of this.changed) {
      const pq = this.queues.get(key)!;
      out.push({ queue: pq.mq, offset: pq.commitableOffset() });
    }
    this.changed.clear();
    return out;
  }
}
