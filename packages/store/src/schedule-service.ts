import { join } from 'node:path';
import {
  MessageProperty,
  decodeMessageRecord,
  type Logger,
  type MessageRecord,
} from '@rocketnest/protocol';
import { readJsonFile, writeJsonFileAtomicAsync } from './json-file';
import type { MessageStore } from './message-store';

/** Where delayed messages wait (RocketMQ's TopicValidator.RMQ_SYS_SCHEDULE_TOPIC). */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

const DELAY_PROPERTIES = [
  MessageProperty.DELAY_TIME_LEVEL,
  MessageProperty.REAL_TOPIC,
  MessageProperty.REAL_QUEUE_ID,
  MessageProperty.TIMER_DELIVER_MS,
  MessageProperty.TIMER_DELAY_MS,
  MessageProperty.TIMER_DELAY_SEC,
  MessageProperty.START_DELIVER_TIME,
];

/** The delivery time of a message waiting in SCHEDULE_TOPIC_XXXX (its ConsumeQueue tags code). */
export function deliverTimeOf(
  record: Pick<MessageRecord, 'queueId' | 'properties' | 'storeTimestamp'>,
  levelsMs: number[],
): number {
  if (record.queueId >= levelsMs.length)
    return Number(record.properties[MessageProperty.TIMER_DELIVER_MS] ?? 0);
  return record.storeTimestamp + levelsMs[record.queueId]!;
}

// Bound once: in CommonJS a package's re-exports are getters, too slow to call per message.
const { DELAY_TIME_LEVEL, TIMER_DELIVER_MS, START_DELIVER_TIME, TIMER_DELAY_MS, TIMER_DELAY_SEC } =
  MessageProperty;

function hasDelayProperty(properties: Record<string, string>): boolean {
  return (
    properties[DELAY_TIME_LEVEL] !== undefined ||
    properties[TIMER_DELIVER_MS] !== undefined ||
    properties[START_DELIVER_TIME] !== undefined ||
    properties[TIMER_DELAY_MS] !== undefined ||
    properties[TIMER_DELAY_SEC] !== undefined
  );
}

/** An absolute delivery time from any of the delivery-time properties, if one is set. */
function requestedDeliveryTime(
  properties: Record<string, string>,
  now: number,
): number | undefined {
  const absolute =
    properties[MessageProperty.TIMER_DELIVER_MS] ?? properties[MessageProperty.START_DELIVER_TIME];
  if (absolute !== undefined) return Number(absolute);
  const ms = properties[MessageProperty.TIMER_DELAY_MS];
  if (ms !== undefined) return now + Number(ms);
  const sec = properties[MessageProperty.TIMER_DELAY_SEC];
  if (sec !== undefined) return now + Number(sec) * 1000;
  return undefined;
}

interface TimerEntry {
  queueOffset: number;
  deliverAt: number;
}

interface DelayProgressFile {
  /** Level queue id -> next queue offset to deliver (RocketMQ's delayOffset.json offsetTable). */
  offsetTable: Record<string, number>;
  /** Delivery-time queue: every offset below `doneOffset` is delivered, plus those listed. */
  timer: { doneOffset: number; delivered: number[] };
}

/**
 * Delay levels and delivery times (RocketMQ's ScheduleMessageService). A delayed message is stored
 * in SCHEDULE_TOPIC_XXXX: queue `level - 1` for a delay level, queue `levels.length` for an
 * explicit delivery time; the queue unit's tags code is its delivery time. Each level queue is
 * FIFO with one delay, so it is delivered in order by a timer set to the head's time. The
 * delivery-time queue is not in time order: its undelivered entries are kept in a min-heap (memory
 * grows with the number of messages waiting, not with the number stored). Progress is persisted
 * with the store's other state; after a crash a message may be delivered twice, never lost.
 */
export class ScheduleService {
  private readonly path: string;
  private readonly levelOffsets: number[];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly busy = new Set<number>();
  /** Queues woken while a pump was running: pumped again when it ends, so no arrival is missed. */
  private readonly rewake = new Set<number>();
  private heap: TimerEntry[] = [];
  private timerScanned = 0;
  private timerDone = 0;
  private timerDelivered = new Set<number>();
  private running = false;
  private dirty = false;

  constructor(
    private readonly store: MessageStore,
    configDir: string,
    private readonly levelsMs: number[],
    private readonly logger: Logger,
  ) {
    this.path = join(configDir, 'delayOffset.json');
    this.levelOffsets = levelsMs.map(() => 0);
  }

  get timerQueueId(): number {
    return this.levelsMs.length;
  }

  /**
   * A delayed message's destination in SCHEDULE_TOPIC_XXXX, with the properties that bring it
   * back; undefined for a message to store as it is (no object built on that hot path).
   */
  routeDelayed(
    topic: string,
    queueId: number,
    properties: Record<string, string>,
    now: number,
  ): { topic: string; queueId: number; properties: Record<string, string> } | undefined {
    if (topic === SCHEDULE_TOPIC || !hasDelayProperty(properties)) return undefined;
    const level = Number(properties[MessageProperty.DELAY_TIME_LEVEL] ?? 0);
    const real = {
      [MessageProperty.REAL_TOPIC]: topic,
      [MessageProperty.REAL_QUEUE_ID]: String(queueId),
    };
    if (level > 0) {
      const clamped = Math.min(level, this.levelsMs.length);
      return {
        topic: SCHEDULE_TOPIC,
        queueId: clamped - 1,
        properties: { ...properties, [MessageProperty.DELAY_TIME_LEVEL]: String(clamped), ...real },
      };
    }
    const deliverAt = requestedDeliveryTime(properties, now);
    if (deliverAt !== undefined && Number.isFinite(deliverAt) && deliverAt > now) {
      return {
        topic: SCHEDULE_TOPIC,
        queueId: this.timerQueueId,
        properties: {
          ...properties,
          [MessageProperty.TIMER_DELIVER_MS]: String(Math.floor(deliverAt)),
          ...real,
        },
      };
    }
    return undefined;
  }

  start(): void {
    const saved = readJsonFile<DelayProgressFile>(this.path);
    for (const [q, offset] of Object.entries(saved?.offsetTable ?? {})) {
      if (Number(q) < this.levelOffsets.length) this.levelOffsets[Number(q)] = offset;
    }
    this.timerDone = saved?.timer?.doneOffset ?? 0;
    this.timerDelivered = new Set(saved?.timer?.delivered ?? []);
    this.timerScanned = this.timerDone;
    this.running = true;
    this.store.onArrival((event) => {
      if (event.topic === SCHEDULE_TOPIC) this.wake(event.queueId);
    });
    for (let q = 0; q <= this.levelsMs.length; q++) this.wake(q);
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  async persist(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const progress: DelayProgressFile = {
      offsetTable: Object.fromEntries(this.levelOffsets.map((o, q) => [String(q), o])),
      timer: { doneOffset: this.timerDone, delivered: [...this.timerDelivered] },
    };
    try {
      await writeJsonFileAtomicAsync(this.path, progress);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  private wake(queueId: number): void {
    if (!this.running) return;
    if (this.busy.has(queueId)) {
      this.rewake.add(queueId);
      return;
    }
    const pump = queueId === this.timerQueueId ? this.pumpTimerQueue() : this.pumpLevel(queueId);
    this.busy.add(queueId);
    void pump
      .catch((err: unknown) => {
        this.logger.error('delayed delivery failed; retrying in 1 s', {
          queueId,
          error: String(err),
        });
        this.schedule(queueId, Date.now() + 1000);
      })
      .finally(() => {
        this.busy.delete(queueId);
        if (this.rewake.delete(queueId)) this.wake(queueId);
      });
  }

  private schedule(queueId: number, at: number): void {
    if (!this.running) return;
    clearTimeout(this.timers.get(queueId));
    // Long waits are re-armed hourly: setTimeout's range is limited and clocks drift.
    const delay = Math.min(Math.max(0, at - Date.now()), 3_600_000);
    const timer = setTimeout(() => {
      this.timers.delete(queueId);
      this.wake(queueId);
    }, delay);
    timer.unref();
    this.timers.set(queueId, timer);
  }

  private async pumpLevel(queueId: number): Promise<void> {
    while (this.running) {
      const offset = Math.max(
        this.levelOffsets[queueId]!,
        this.store.getMinOffsetInQueue(SCHEDULE_TOPIC, queueId),
      );
      const { messages, queueOffsets, status } = await this.store.getMessage({
        topic: SCHEDULE_TOPIC,
        queueId,
        offset,
        maxMsgNums: 32,
      });
      if (status !== 'FOUND') return;
      for (let i = 0; i < messages.length; i++) {
        const record = decodeMessageRecord(messages[i]!, 0, { decompress: false });
        const due = deliverTimeOf(record, this.levelsMs);
        if (due > Date.now()) {
          this.schedule(queueId, due);
          return;
        }
        await this.deliver(record);
        this.levelOffsets[queueId] = queueOffsets[i]! + 1;
        this.dirty = true;
      }
    }
  }

  private async pumpTimerQueue(): Promise<void> {
    const queueId = this.timerQueueId;
    await this.scanTimerQueue(queueId);
    while (this.running && this.heap.length > 0 && this.heap[0]!.deliverAt <= Date.now()) {
      const entry = heapPop(this.heap);
      const raw = await this.store.getMessage({
        topic: SCHEDULE_TOPIC,
        queueId,
        offset: entry.queueOffset,
        maxMsgNums: 1,
      });
      if (raw.status === 'FOUND')
        await this.deliver(decodeMessageRecord(raw.messages[0]!, 0, { decompress: false }));
      this.markTimerDelivered(entry.queueOffset);
    }
    if (this.heap.length > 0) this.schedule(queueId, this.heap[0]!.deliverAt);
  }

  /** Adds the delivery-time queue's new units to the heap. */
  private async scanTimerQueue(queueId: number): Promise<void> {
    const max = this.store.getMaxOffsetInQueue(SCHEDULE_TOPIC, queueId);
    this.timerScanned = Math.max(
      this.timerScanned,
      this.store.getMinOffsetInQueue(SCHEDULE_TOPIC, queueId),
    );
    while (this.timerScanned < max) {
      const { messages, queueOffsets, nextBeginOffset } = await this.store.getMessage({
        topic: SCHEDULE_TOPIC,
        queueId,
        offset: this.timerScanned,
        maxMsgNums: 256,
      });
      messages.forEach((m, i) => {
        const queueOffset = queueOffsets[i]!;
        if (this.timerDelivered.has(queueOffset)) return;
        const record = decodeMessageRecord(m, 0, { decompress: false });
        heapPush(this.heap, { queueOffset, deliverAt: deliverTimeOf(record, this.levelsMs) });
      });
      if (nextBeginOffset <= this.timerScanned) break;
      this.timerScanned = nextBeginOffset;
    }
  }

  private markTimerDelivered(queueOffset: number): void {
    this.timerDelivered.add(queueOffset);
    while (this.timerDelivered.has(this.timerDone)) this.timerDelivered.delete(this.timerDone++);
    this.dirty = true;
  }

  /** Re-puts a due message into its real topic and queue, without the delay properties. */
  private async deliver(record: MessageRecord): Promise<void> {
    const properties = { ...record.properties };
    const topic = properties[MessageProperty.REAL_TOPIC];
    const queueId = Number(properties[MessageProperty.REAL_QUEUE_ID] ?? 0);
    for (const p of DELAY_PROPERTIES) delete properties[p];
    if (!topic) {
      this.logger.error('delayed message without REAL_TOPIC dropped', {
        offset: record.commitLogOffset,
      });
      return;
    }
    await this.store.putMessage({
      topic,
      queueId,
      body: record.body,
      properties,
      flag: record.flag,
      sysFlag: record.sysFlag,
      bornTimestamp: record.bornTimestamp,
      bornHost: record.bornHost,
      reconsumeTimes: record.reconsumeTimes,
      preparedTransactionOffset: record.preparedTransactionOffset,
    });
  }
}

function heapPush(heap: TimerEntry[], entry: TimerEntry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (less(heap[parent]!, heap[i]!)) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapPop(heap: TimerEntry[]): TimerEntry {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  }
  return top;
}

/** Earlier delivery first; equal times in queue order. */
function less(a: TimerEntry, b: TimerEntry): boolean {
  return (
    a.deliverAt < b.deliverAt || (a.deliverAt === b.deliverAt && a.queueOffset < b.queueOffset)
  );
}
