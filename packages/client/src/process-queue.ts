import type { MessageQueue } from '@rocketnest/protocol';
import type { ConsumedMessage } from './message';

/**
 * The messages pulled from one queue and not yet finished, in offset order (RocketMQ's
 * ProcessQueue). Its size drives flow control; its lowest unfinished offset is what may be
 * committed, so a message is never skipped while an earlier one is still being consumed.
 */
export class ProcessQueue {
  /** Pulled messages by queue offset; insertion order is offset order (pulls only go forward). */
  private readonly msgs = new Map<number, ConsumedMessage>();
  private bytes = 0;
  /** Highest offset ever put. */
  private maxOffset = -1;
  /** Offset the next pull starts from: everything below it was pulled (or filtered out). */
  private pulledTo = -1;
  dropped = false;
  /** Orderly: the broker lock is held. */
  locked = false;
  lastLockTimestamp = 0;
  /** Orderly: a consume loop runs for this queue. */
  consuming = false;
  /** Orderly: resolves when the running consume loop ends. */
  idle: Promise<void> = Promise.resolve();
  lastPullTimestamp = Date.now();

  constructor(readonly mq: MessageQueue) {}

  get count(): number {
    return this.msgs.size;
  }

  get size(): number {
    return this.bytes;
  }

  /** Adds pulled messages (ascending offsets); returns those not already held. */
  put(messages: readonly ConsumedMessage[]): ConsumedMessage[] {
    const added: ConsumedMessage[] = [];
    for (const m of messages) {
      if (m.queueOffset <= this.maxOffset || this.msgs.has(m.queueOffset)) continue;
      this.msgs.set(m.queueOffset, m);
      this.bytes += m.body.length;
      this.maxOffset = m.queueOffset;
      added.push(m);
    }
    return added;
  }

  /**
   * Removes finished messages and returns the offset that may now be committed: the lowest
   * offset still held, or the next pull offset when nothing is left. -1 when nothing was ever
   * pulled.
   */
  remove(messages: readonly ConsumedMessage[]): number {
    for (const m of messages) {
      const held = this.msgs.get(m.queueOffset);
      if (!held) continue;
      this.msgs.delete(m.queueOffset);
      this.bytes -= held.body.length;
    }
    return this.commitableOffset();
  }

  /** Records that everything below `nextOffset` was pulled (put here or filtered out). */
  advance(nextOffset: number): void {
    if (nextOffset > this.pulledTo) this.pulledTo = nextOffset;
  }

  commitableOffset(): number {
    for (const offset of this.msgs.keys()) return offset;
    return Math.max(this.pulledTo, this.maxOffset + 1 > 0 ? this.maxOffset + 1 : -1);
  }

  /** Orderly: the first `n` held messages, which stay held until removed. */
  peek(n: number): ConsumedMessage[] {
    const out: ConsumedMessage[] = [];
    for (const m of this.msgs.values()) {
      if (out.length >= n) break;
      out.push(m);
    }
    return out;
  }

  /** Forgets everything held (after a seek or an illegal offset). */
  clear(): void {
    this.msgs.clear();
    this.bytes = 0;
    this.maxOffset = -1;
    this.pulledTo = -1;
  }

  /** Orderly lock considered held: taken and renewed within `maxLiveMs`. */
  lockValid(maxLiveMs: number): boolean {
    return this.locked && Date.now() - this.lastLockTimestamp <= maxLiveMs;
  }
}
