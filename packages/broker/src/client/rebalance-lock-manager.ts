import type { MessageQueue } from '@rocketnest/protocol';

interface LockEntry {
  clientId: string;
  lastUpdate: number;
}

/**
 * Queue locks for orderly consumption (RocketMQ's RebalanceLockManager): within a group, a queue
 * belongs to one client at a time. The owner renews its locks (every 20 s in Java clients); a lock
 * not renewed for `expiryMs` may be taken by another member.
 */
export class RebalanceLockManager {
  /** group -> queue key -> lock */
  private readonly locks = new Map<string, Map<string, LockEntry>>();

  constructor(
    private readonly expiryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Locks (or renews) what it can for `clientId`; returns the queues the client now holds. */
  tryLockBatch(group: string, queues: MessageQueue[], clientId: string): MessageQueue[] {
    let table = this.locks.get(group);
    if (!table) this.locks.set(group, (table = new Map()));
    const now = this.now();
    const locked: MessageQueue[] = [];
    for (const mq of queues) {
      const key = queueKey(mq);
      const entry = table.get(key);
      if (!entry || entry.clientId === clientId || this.isExpired(entry, now)) {
        table.set(key, { clientId, lastUpdate: now });
        locked.push(mq);
      }
    }
    return locked;
  }

  /** Releases the queues `clientId` holds; locks held by others are left alone. */
  unlockBatch(group: string, queues: MessageQueue[], clientId: string): void {
    const table = this.locks.get(group);
    if (!table) return;
    for (const mq of queues) {
      const key = queueKey(mq);
      if (table.get(key)?.clientId === clientId) table.delete(key);
    }
    if (table.size === 0) this.locks.delete(group);
  }

  /** Whether `clientId` holds an unexpired lock on `mq`. */
  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const entry = this.locks.get(group)?.get(queueKey(mq));
    return entry !== undefined && entry.clientId === clientId && !this.isExpired(entry, this.now());
  }

  private isExpired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdate > this.expiryMs;
  }
}

function queueKey(mq: MessageQueue): string {
  return `${mq.topic}\u0000${mq.brokerName}\u0000${mq.queueId}`;
}
