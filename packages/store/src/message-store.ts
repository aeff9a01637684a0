import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statfs,
  unlinkSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  KEY_SEPARATOR,
  MessageMagic,
  MessageProperty,
  bodyCrc,
  readInt64BE,
  tagHashCode,
  decodeMessageRecord,
  type MessageExt,
  type MessageRecord,
  type SocketAddress,
} from '@rocketnest/protocol';
import {
  CommitLog,
  type AppendResult,
  type CommitLogStats,
  type PutStatus,
  type RecoveryReport,
  type WrittenRecord,
} from './commit-log';
import { ConsumeQueue, type CqUnit } from './consume-queue';
import { ConsumerOffsetStore } from './consumer-offset-store';
import { TopicConfigStore } from './topic-config-store';
import { IndexService } from './index-service';
import { topicKeyHash } from './index-file';
import { OffsetMessageIds } from './offset-message-id';
import { readJsonFile, writeJsonFileAtomicAsync } from './json-file';
import { DiskFullError, MessageTooLargeError, StoreNotAvailableError } from './errors';
import {
  parseDelayLevels,
  resolveStoreConfig,
  storePaths,
  type MessageStoreConfig,
  type MessageStoreOptions,
} from './config';
import { ScheduleService, SCHEDULE_TOPIC, deliverTimeOf } from './schedule-service';
import { CleanService } from './clean-service';

// Bound once: in CommonJS a package's re-exports are getters, too slow to call per message.
const { KEYS, TAGS, UNIQ_CLIENT_MESSAGE_ID_KEYIDX: UNIQ_KEY } = MessageProperty;
const javaHashCode = tagHashCode;
const keySeparator = KEY_SEPARATOR;

const statfsAsync = promisify(statfs);

/** Fraction of the data dir's file system in use (statfs). */
export async function fileSystemUsage(dir: string): Promise<number> {
  const s = await statfsAsync(dir);
  return s.blocks > 0 ? 1 - s.bavail / s.blocks : 0;
}

/** What a producer hands the store: a message for one topic queue. */
export interface PutMessageInput {
  topic: string;
  queueId: number;
  /** The body as it will be stored (already compressed when sysFlag says so). */
  body: Buffer;
  properties: Record<string, string>;
  flag?: number;
  sysFlag?: number;
  bornTimestamp?: number;
  bornHost?: SocketAddress;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
}

export interface PutMessageResult extends AppendResult {
  /** Topic and queue the message was stored in (SCHEDULE_TOPIC_XXXX for delayed messages). */
  topic: string;
  queueId: number;
  queueOffset: number;
  msgId: string;
}

export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MESSAGE_IN_QUEUE'
  | 'NO_MATCHED_LOGIC_QUEUE'
  | 'OFFSET_TOO_SMALL'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING';

export interface GetMessageRequest {
  topic: string;
  queueId: number;
  offset: number;
  maxMsgNums: number;
  /** Stop once this many bytes are collected (default 4 MiB, at least one message). */
  maxBytes?: number;
  /** Tag filter on the ConsumeQueue's tags code; absent means every message. */
  filter?: (tagsCode: number) => boolean;
}

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Raw stored records, ready to be concatenated into a pull response body. */
  messages: Buffer[];
  /** Queue offsets of `messages`. */
  queueOffsets: number[];
}

/** Arrival of a message in a queue: the broker's long polling wakes held pulls on it. */
export interface ArrivalEvent {
  topic: string;
  queueId: number;
  queueOffset: number;
  tagsCode: number;
  properties: Record<string, string>;
}

export interface OpenReport extends RecoveryReport {
  abnormalShutdown: boolean;
  consumeQueueUnitsTruncated: number;
}

const MAX_SCAN_UNITS = 800;

/**
 * The message store (RocketMQ's DefaultMessageStore): the CommitLog with the ConsumeQueues and the
 * key index derived from it, consumer offsets, topic configs, delay levels and retention.
 */
export class MessageStore {
  readonly config: MessageStoreConfig;
  readonly consumerOffsets: ConsumerOffsetStore;
  readonly topics: TopicConfigStore;
  readonly delayLevelsMs: number[];
  private readonly paths: ReturnType<typeof storePaths>;
  private readonly queues = new Map<string, ConsumeQueue>();
  private readonly queuesByTopic = new Map<string, ConsumeQueue[]>();
  /** Next queue offset to hand out, per topic and queue id (ahead of dispatch while writing). */
  private readonly nextQueueOffsets = new Map<string, number[]>();
  private readonly commitLog: CommitLog<PutMessageResult>;
  private readonly index: IndexService;
  private readonly schedule: ScheduleService;
  private readonly clean: CleanService;
  private readonly arrivalListeners: ((event: ArrivalEvent) => void)[] = [];
  private dispatchedOffset = 0;
  private persistTimer: NodeJS.Timeout | undefined;
  private running = false;
  private diskFullUsage: number | undefined;
  private openReport: OpenReport | undefined;
  private readonly msgIds: OffsetMessageIds;

  private constructor(options: MessageStoreOptions) {
    this.config = resolveStoreConfig(options, fileSystemUsage);
    this.paths = storePaths(this.config.dataDir);
    this.delayLevelsMs = parseDelayLevels(this.config.messageDelayLevel);
    this.msgIds = new OffsetMessageIds(this.config.storeHost);
    this.consumerOffsets = new ConsumerOffsetStore(this.paths.config);
    this.topics = new TopicConfigStore(this.paths.config);
    this.commitLog = new CommitLog({
      dir: this.paths.commitLog,
      segmentSize: this.config.commitLogSegmentSize,
      flushMode: this.config.flushMode,
      preallocate: this.config.commitLogPreallocate,
      flushIntervalMs: this.config.flushIntervalMs,
      syncFlushTimeoutMs: this.config.syncFlushTimeoutMs,
      tailCacheBytes: this.config.commitLogTailCacheBytes,
      logger: this.config.logger,
      acknowledge: (written, status) => this.putResult(written, status),
      onWritten: (records) => this.dispatch(records),
      onWriteFailed: () => this.resetQueueOffsets(),
    });
    this.index = new IndexService({
      dir: this.paths.index,
      hashSlots: this.config.indexHashSlots,
      entriesPerFile: this.config.indexEntriesPerFile,
      logger: this.config.logger,
    });
    this.schedule = new ScheduleService(
      this,
      this.paths.config,
      this.delayLevelsMs,
      this.config.logger,
    );
    this.clean = new CleanService(this.config, this.commitLog, {
      afterDelete: (minPhysicalOffset) => this.dropExpiredIndexes(minPhysicalOffset),
      setDiskFull: (usage) => (this.diskFullUsage = usage),
    });
  }

  /** Opens (and if needed recovers) the store in `options.dataDir` and starts its services. */
  static async open(options: MessageStoreOptions): Promise<MessageStore> {
    const store = new MessageStore(options);
    await store.start();
    return store;
  }

  /** What recovery found and repaired on open. */
  get recovery(): OpenReport {
    return this.openReport!;
  }

  get minPhysicalOffset(): number {
    return this.commitLog.minOffset;
  }

  get maxPhysicalOffset(): number {
    return this.commitLog.maxOffset;
  }

  /** CommitLog write and flush counters. */
  /** Used share (0-1) of the file system holding the data dir, as retention measures it. */
  diskUsage(): Promise<number> {
    return this.config.diskUsage(this.config.dataDir);
  }

  /** True while appends are refused because disk usage is above diskRejectRatio. */
  get rejectingWrites(): boolean {
    return this.diskFullUsage !== undefined;
  }

  get commitLogStats(): Readonly<CommitLogStats> {
    return this.commitLog.stats;
  }

  private async start(): Promise<void> {
    for (const dir of [
      this.paths.commitLog,
      this.paths.consumeQueue,
      this.paths.index,
      this.paths.config,
    ]) {
      mkdirSync(dir, { recursive: true });
    }
    this.acquireLock();
    const abnormalShutdown = existsSync(this.paths.abort);
    this.consumerOffsets.load();
    this.topics.load();
    this.loadQueues();
    const indexResume = this.index.load();
    const checkpoint =
      readJsonFile<{ dispatchedOffset: number }>(this.paths.checkpoint)?.dispatchedOffset ?? 0;
    const scanFrom = Math.min(checkpoint, indexResume);
    const report = this.commitLog.recover(scanFrom, !abnormalShutdown, (written) => {
      if (written.physicalOffset >= checkpoint) this.dispatchToQueue(written);
      if (written.physicalOffset >= indexResume) this.dispatchToIndex(written);
    });
    for (const cq of this.queues.values()) cq.writeBuffered();
    this.dispatchedOffset = this.commitLog.maxOffset;
    this.index.markDispatched(this.dispatchedOffset);
    let truncated = 0;
    for (const cq of this.queues.values()) {
      truncated += cq.truncateByPhysicalOffset(this.commitLog.maxOffset);
      cq.deleteExpired(this.commitLog.minOffset);
      this.setNextQueueOffset(cq.topic, cq.queueId, cq.maxOffset);
    }
    this.openReport = { ...report, abnormalShutdown, consumeQueueUnitsTruncated: truncated };
    if (
      abnormalShutdown ||
      report.truncatedBytes > 0 ||
      report.corruptRecords.length > 0 ||
      truncated > 0
    ) {
      this.config.logger.warn('store recovered', {
        ...this.openReport,
        corruptRecords: report.corruptRecords.length,
      });
    }
    writeFileSync(this.paths.abort, String(process.pid));
    await this.commitLog.start();
    this.schedule.start();
    await this.clean.start();
    this.persistTimer = setInterval(
      () => void this.persist().catch((err: unknown) => this.logPersistError(err)),
      this.config.persistIntervalMs,
    );
    this.persistTimer.unref();
    this.running = true;
  }

  private acquireLock(): void {
    if (existsSync(this.paths.lock)) {
      const pid = Number(readFileSync(this.paths.lock, 'utf8'));
      if (pid && pid !== process.pid && processAlive(pid)) {
        throw new StoreNotAvailableError(
          `data dir ${this.config.dataDir} is in use by process ${pid}`,
        );
      }
    }
    writeFileSync(this.paths.lock, String(process.pid));
  }

  private loadQueues(): void {
    for (const topic of readdirSync(this.paths.consumeQueue)) {
      for (const q of readdirSync(join(this.paths.consumeQueue, topic))) {
        const queueId = Number(q);
        if (!Number.isInteger(queueId)) continue;
        this.queueFor(topic, queueId);
      }
    }
  }

  private queueFor(topic: string, queueId: number): ConsumeQueue {
    // Hot path (twice per message): a per-topic array, no key string to build.
    const cached = this.queuesByTopic.get(topic)?.[queueId];
    if (cached) return cached;
    const key = queueKey(topic, queueId);
    let cq = this.queues.get(key);
    if (!cq) {
      cq = new ConsumeQueue(
        ConsumeQueue.dirFor(this.paths.consumeQueue, topic, queueId),
        topic,
        queueId,
        this.config.consumeQueueUnitsPerFile,
      );
      cq.load();
      this.queues.set(key, cq);
    }
    let byId = this.queuesByTopic.get(topic);
    if (!byId) this.queuesByTopic.set(topic, (byId = []));
    byId[queueId] = cq;
    return cq;
  }

  onArrival(listener: (event: ArrivalEvent) => void): void {
    this.arrivalListeners.push(listener);
  }

  /**
   * Stores a message. Delayed messages (DELAY level or a delivery time) are stored in
   * SCHEDULE_TOPIC_XXXX and re-put into their topic when due.
   */
  putMessage(input: PutMessageInput): Promise<PutMessageResult> {
    const refused = this.refusal(input);
    if (refused) return Promise.reject(refused);
    const record = this.recordFor(input, Date.now());
    try {
      return this.commitLog.append(record);
    } catch (err) {
      this.giveBackQueueOffsets([record]);
      return Promise.reject(err);
    }
  }

  /**
   * Stores several messages (a producer's batch) one after the other, so messages for the same
   * queue get consecutive offsets, with one promise for all: it resolves with their results in
   * order once every one is acknowledged. All are checked first: if one is refused, none is
   * stored and the promise rejects with its error.
   */
  putMessages(inputs: readonly PutMessageInput[]): Promise<PutMessageResult[]> {
    for (const input of inputs) {
      const refused = this.refusal(input);
      if (refused) return Promise.reject(refused);
    }
    const now = Date.now();
    const records = inputs.map((input) => this.recordFor(input, now));
    try {
      return this.commitLog.appendAll(records);
    } catch (err) {
      this.giveBackQueueOffsets(records);
      return Promise.reject(err);
    }
  }

  /** Why the store cannot take this message now, if it cannot. */
  private refusal(input: PutMessageInput): Error | undefined {
    if (!this.running) return new StoreNotAvailableError('the store is not running');
    if (this.diskFullUsage !== undefined) {
      return new DiskFullError(
        this.diskFullUsage,
        this.config.diskRejectRatio,
        this.config.dataDir,
      );
    }
    if (input.body.length > this.config.maxMessageSize) {
      return new MessageTooLargeError(input.body.length, this.config.maxMessageSize);
    }
    return undefined;
  }

  /** The record to append for `input`, routed if delayed; takes the next queue offset. */
  private recordFor(input: PutMessageInput, now: number): MessageRecord {
    const { topic, queueId, properties } =
      this.schedule.routeDelayed(input.topic, input.queueId, input.properties, now) ?? input;
    const offsets = this.nextQueueOffsetsOf(topic);
    const queueOffset = offsets[queueId] ?? this.queueFor(topic, queueId).maxOffset;
    offsets[queueId] = queueOffset + 1;
    return {
      topic,
      body: input.body,
      properties,
      flag: input.flag ?? 0,
      queueId,
      queueOffset,
      commitLogOffset: 0,
      sysFlag: input.sysFlag ?? 0,
      bornTimestamp: input.bornTimestamp ?? now,
      bornHost: input.bornHost ?? this.config.storeHost,
      storeTimestamp: now,
      storeHost: this.config.storeHost,
      reconsumeTimes: input.reconsumeTimes ?? 0,
      preparedTransactionOffset: input.preparedTransactionOffset ?? 0,
    };
  }

  /** Refused records leave no hole: their queue offsets go back, newest first. */
  private giveBackQueueOffsets(records: readonly MessageRecord[]): void {
    for (let i = records.length - 1; i >= 0; i--) {
      const { topic, queueId, queueOffset } = records[i]!;
      this.setNextQueueOffset(topic, queueId, queueOffset);
    }
  }

  private nextQueueOffsetsOf(topic: string): number[] {
    let offsets = this.nextQueueOffsets.get(topic);
    if (!offsets) this.nextQueueOffsets.set(topic, (offsets = []));
    return offsets;
  }

  private setNextQueueOffset(topic: string, queueId: number, offset: number): void {
    this.nextQueueOffsetsOf(topic)[queueId] = offset;
  }

  /** What an acknowledged append resolves with. */
  private putResult(written: WrittenRecord, status: PutStatus): PutMessageResult {
    const { record, physicalOffset } = written;
    return {
      status,
      physicalOffset,
      size: written.size,
      storeTimestamp: record.storeTimestamp,
      topic: record.topic,
      queueId: record.queueId,
      queueOffset: record.queueOffset,
      msgId: this.msgIds.of(physicalOffset),
    };
  }

  /** Builds the ConsumeQueue units and index entries of written records, then announces them. */
  private dispatch(records: readonly WrittenRecord[]): void {
    const touched = new Set<ConsumeQueue>();
    const announce = this.arrivalListeners.length > 0;
    const tagsCodes: number[] = [];
    for (const written of records) {
      const { record } = written;
      const cq = this.queueFor(record.topic, record.queueId);
      const tagsCode = this.tagsCodeOf(record);
      cq.put(record.queueOffset, written.physicalOffset, written.size, tagsCode);
      touched.add(cq);
      this.dispatchToIndex(written);
      this.dispatchedOffset = written.physicalOffset + written.size;
      if (announce) tagsCodes.push(tagsCode);
    }
    // Units are written only once every record of the batch is dispatched: a failing write (a
    // full disk) then leaves them buffered rather than skipping the rest of the batch.
    for (const cq of touched) cq.writeIfFull();
    this.index.markDispatched(this.dispatchedOffset);
    // Arrivals are announced once the whole batch is in its queues: a pull woken by the first
    // message of its queue then reads all of the batch's messages for it, not just that one.
    if (announce) records.forEach((written, i) => this.announce(written, tagsCodes[i]!));
  }

  private announce(written: WrittenRecord, tagsCode: number): void {
    const event: ArrivalEvent = {
      topic: written.record.topic,
      queueId: written.record.queueId,
      queueOffset: written.record.queueOffset,
      tagsCode,
      properties: written.record.properties,
    };
    for (const listener of this.arrivalListeners) {
      try {
        listener(event);
      } catch (err) {
        this.config.logger.error('arrival listener failed', {
          topic: event.topic,
          error: String(err),
        });
      }
    }
  }

  /** Queues the record's unit (written by writeBuffered, in one write per queue per batch). */
  private dispatchToQueue(written: WrittenRecord): void {
    const { record } = written;
    this.queueFor(record.topic, record.queueId).put(
      record.queueOffset,
      written.physicalOffset,
      written.size,
      this.tagsCodeOf(record),
    );
  }

  /** Indexes each of the record's KEYS and its UNIQ_KEY as `topic#key` (hashed in place). */
  private dispatchToIndex(written: WrittenRecord): void {
    const { physicalOffset, record } = written;
    const { topic, properties, storeTimestamp } = record;
    const keys = properties[KEYS];
    for (let start = 0; keys && start < keys.length;) {
      let end = keys.indexOf(keySeparator, start);
      if (end < 0) end = keys.length;
      if (end > start) {
        this.index.putHash(topicKeyHash(topic, keys, start, end), physicalOffset, storeTimestamp);
      }
      start = end + keySeparator.length;
    }
    const uniq = properties[UNIQ_KEY];
    if (uniq) {
      this.index.putHash(topicKeyHash(topic, uniq, 0, uniq.length), physicalOffset, storeTimestamp);
    }
  }

  private tagsCodeOf(record: MessageRecord): number {
    if (record.topic === SCHEDULE_TOPIC) return deliverTimeOf(record, this.delayLevelsMs);
    const tag = record.properties[TAGS];
    return tag ? javaHashCode(tag) : 0;
  }

  /** After a failed write, queue offsets handed out for it are void: restart from what is stored. */
  private resetQueueOffsets(): void {
    for (const cq of this.queues.values())
      this.setNextQueueOffset(cq.topic, cq.queueId, cq.maxOffset);
  }

  /** Reads messages of one queue from `offset`, with RocketMQ's statuses and next-offset rules. */
  async getMessage(req: GetMessageRequest): Promise<GetMessageResult> {
    const cq = this.queues.get(queueKey(req.topic, req.queueId));
    const empty = (status: GetMessageStatus, next: number, min = 0, max = 0): GetMessageResult => ({
      status,
      nextBeginOffset: next,
      minOffset: min,
      maxOffset: max,
      messages: [],
      queueOffsets: [],
    });
    if (!cq) return empty('NO_MATCHED_LOGIC_QUEUE', 0);
    const min = cq.minOffset;
    const max = cq.maxOffset;
    if (max === 0) return empty('NO_MESSAGE_IN_QUEUE', 0, min, max);
    if (req.offset < min) return empty('OFFSET_TOO_SMALL', min, min, max);
    if (req.offset === max) return empty('OFFSET_OVERFLOW_ONE', req.offset, min, max);
    if (req.offset > max) return empty('OFFSET_OVERFLOW_BADLY', min === 0 ? min : max, min, max);

    const maxBytes = req.maxBytes ?? 4 * 1024 * 1024;
    const units = cq.get(req.offset, Math.max(req.maxMsgNums, MAX_SCAN_UNITS));
    const wanted: CqUnit[] = [];
    let next = req.offset;
    let bytes = 0;
    let removed = false;
    for (const unit of units) {
      if (wanted.length >= req.maxMsgNums || (wanted.length > 0 && bytes + unit.size > maxBytes))
        break;
      next = unit.queueOffset + 1;
      if (unit.physicalOffset < this.commitLog.minOffset) {
        removed = true;
        continue;
      }
      if (req.filter && !req.filter(unit.tagsCode)) continue;
      wanted.push(unit);
      bytes += unit.size;
    }
    const { messages, queueOffsets } = await this.readUnits(wanted);
    let status: GetMessageStatus = 'FOUND';
    if (messages.length === 0) status = removed ? 'MESSAGE_WAS_REMOVING' : 'NO_MATCHED_MESSAGE';
    // A hole in the queue's files (OFFSET_FOUND_NULL): move on to the next file rather than loop.
    if (units.length === 0)
      next = Math.min(
        max,
        (Math.floor(req.offset / this.config.consumeQueueUnitsPerFile) + 1) *
          this.config.consumeQueueUnitsPerFile,
      );
    return {
      status,
      nextBeginOffset: next,
      minOffset: min,
      maxOffset: max,
      messages,
      queueOffsets,
    };
  }

  /** Reads the records of `units`, one read per run of nearby records; drops corrupt ones. */
  private async readUnits(
    units: CqUnit[],
  ): Promise<{ messages: Buffer[]; queueOffsets: number[] }> {
    const messages: Buffer[] = [];
    const queueOffsets: number[] = [];
    let i = 0;
    while (i < units.length) {
      let j = i + 1;
      const segment = Math.floor(units[i]!.physicalOffset / this.config.commitLogSegmentSize);
      while (
        j < units.length &&
        Math.floor(units[j]!.physicalOffset / this.config.commitLogSegmentSize) === segment &&
        units[j]!.physicalOffset >= units[j - 1]!.physicalOffset + units[j - 1]!.size &&
        units[j]!.physicalOffset - (units[j - 1]!.physicalOffset + units[j - 1]!.size) <
          64 * 1024 &&
        units[j]!.physicalOffset + units[j]!.size - units[i]!.physicalOffset <= 8 * 1024 * 1024
      ) {
        j++;
      }
      const start = units[i]!.physicalOffset;
      const run = await this.commitLog.read(
        start,
        units[j - 1]!.physicalOffset + units[j - 1]!.size - start,
      );
      for (let k = i; k < j; k++) {
        const unit = units[k]!;
        const record = run?.subarray(
          unit.physicalOffset - start,
          unit.physicalOffset - start + unit.size,
        );
        if (record && this.intact(record, unit)) {
          messages.push(record);
          queueOffsets.push(unit.queueOffset);
        }
      }
      i = j;
    }
    return { messages, queueOffsets };
  }

  /** Size, magic and body CRC check: a corrupt record is reported and never served. */
  private intact(record: Buffer, unit: CqUnit): boolean {
    let ok =
      record.length === unit.size && record.length >= 92 && record.readInt32BE(0) === unit.size;
    if (ok) {
      const magic = record.readInt32BE(4);
      ok = magic === MessageMagic.V1 || magic === MessageMagic.V2;
    }
    if (ok) {
      const sysFlag = record.readInt32BE(36);
      const bodyAt = 48 + (sysFlag & 0x10 ? 20 : 8) + 8 + (sysFlag & 0x20 ? 20 : 8) + 12;
      const bodyLen = bodyAt + 4 <= record.length ? record.readInt32BE(bodyAt) : -1;
      ok =
        bodyLen >= 0 &&
        bodyAt + 4 + bodyLen <= record.length &&
        bodyCrc(record.subarray(bodyAt + 4, bodyAt + 4 + bodyLen)) === record.readInt32BE(8);
    }
    if (!ok) {
      this.config.logger.error('corrupt message skipped', {
        physicalOffset: unit.physicalOffset,
        queueOffset: unit.queueOffset,
      });
    }
    return ok;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.get(queueKey(topic, queueId))?.minOffset ?? 0;
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.queues.get(queueKey(topic, queueId))?.maxOffset ?? 0;
  }

  /** The first queue offset stored at or after `timestamp` (max offset if none). */
  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number): Promise<number> {
    const cq = this.queues.get(queueKey(topic, queueId));
    if (!cq) return 0;
    return cq.offsetByTime(timestamp, (unit) => this.storeTimeAt(unit.physicalOffset));
  }

  /** Store time of the oldest message in a queue, or -1. */
  async getEarliestMessageTime(topic: string, queueId: number): Promise<number> {
    const cq = this.queues.get(queueKey(topic, queueId));
    const [unit] = cq ? cq.get(cq.minOffset, 1) : [];
    return unit ? ((await this.storeTimeAt(unit.physicalOffset)) ?? -1) : -1;
  }

  private async storeTimeAt(physicalOffset: number): Promise<number | undefined> {
    const head = await this.commitLog.read(physicalOffset, 76);
    if (!head || head.length < 76) return undefined;
    const sysFlag = head.readInt32BE(36);
    return readInt64BE(head, 48 + (sysFlag & 0x10 ? 20 : 8));
  }

  /** The record at a commit-log offset (VIEW_MESSAGE_BY_ID), decoded; undefined if none. */
  async lookMessageByOffset(physicalOffset: number): Promise<MessageExt | undefined> {
    const raw = await this.commitLog.readRecord(physicalOffset);
    if (!raw) return undefined;
    try {
      return decodeMessageRecord(raw, 0, { decompress: false });
    } catch {
      return undefined;
    }
  }

  /** The raw record at a commit-log offset. */
  readRecord(physicalOffset: number): Promise<Buffer | undefined> {
    return this.commitLog.readRecord(physicalOffset);
  }

  /** Messages whose KEYS or UNIQ_KEY contain `key` (the index stores hashes: keys are re-checked). */
  async queryMessage(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
  ): Promise<{ messages: Buffer[]; lastUpdateTimestamp: number; lastUpdatePhyOffset: number }> {
    const found = this.index.query(`${topic}#${key}`, maxNum, begin, end);
    const messages: Buffer[] = [];
    for (const offset of found.physicalOffsets) {
      const raw = await this.commitLog.readRecord(offset);
      if (!raw) continue;
      let ext: MessageExt;
      try {
        ext = decodeMessageRecord(raw, 0, { decompress: false });
      } catch {
        continue;
      }
      const keys = (ext.properties[MessageProperty.KEYS] ?? '').split(KEY_SEPARATOR);
      if (
        ext.topic === topic &&
        (keys.includes(key) ||
          ext.properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] === key)
      ) {
        messages.push(raw);
      }
    }
    return {
      messages,
      lastUpdateTimestamp: found.lastUpdateTimestamp,
      lastUpdatePhyOffset: found.lastUpdatePhyOffset,
    };
  }

  /** Topic queues with data (for delete, lag and admin listings). */
  queueIdsOf(topic: string): number[] {
    return [...this.queues.values()]
      .filter((q) => q.topic === topic)
      .map((q) => q.queueId)
      .sort((a, b) => a - b);
  }

  /** Deletes a topic's queues, config and offsets; its messages go with commit-log retention. */
  deleteTopic(topic: string): void {
    for (const [key, cq] of [...this.queues]) {
      if (cq.topic !== topic) continue;
      cq.destroy();
      this.queues.delete(key);
    }
    this.queuesByTopic.delete(topic);
    this.nextQueueOffsets.delete(topic);
    rmSync(join(this.paths.consumeQueue, topic), { recursive: true, force: true });
    this.topics.delete(topic);
    this.consumerOffsets.removeTopic(topic);
  }

  private dropExpiredIndexes(minPhysicalOffset: number): void {
    for (const cq of this.queues.values()) cq.deleteExpired(minPhysicalOffset);
    this.index.deleteExpired(minPhysicalOffset);
  }

  /** Runs retention now (as its timer would). */
  runRetention(now = Date.now()): Promise<void> {
    return this.clean.run(now);
  }

  /**
   * Makes derived state durable: queue files and index flushed, then the checkpoint (never past
   * what the commit log has flushed), consumer offsets and delay progress.
   */
  async persist(): Promise<void> {
    await this.commitLog.flush();
    const dispatched = Math.min(this.dispatchedOffset, this.commitLog.flushed);
    await Promise.all([...this.queues.values()].map((q) => q.flush()));
    const indexed = await this.index.flush();
    await writeJsonFileAtomicAsync(this.paths.checkpoint, {
      dispatchedOffset: Math.min(dispatched, indexed),
      savedAt: Date.now(),
    });
    await this.consumerOffsets.persist();
    await this.schedule.persist();
  }

  private logPersistError(err: unknown): void {
    this.config.logger.error('store persist failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  }

  /**
   * Finishes queued writes, persists everything and closes the files; a clean shutdown. Files are
   * closed even when persisting fails (a full disk); the abort marker then stays, so the next open
   * recovers from the log, and the error is rethrown.
   */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.persistTimer) clearInterval(this.persistTimer);
    this.schedule.stop();
    this.clean.stop();
    let failure: unknown;
    const attempt = async (step: () => unknown) => {
      try {
        await step();
      } catch (err) {
        failure ??= err;
      }
    };
    await attempt(() => this.commitLog.close());
    await attempt(() => this.persist());
    await attempt(() => this.index.close());
    for (const cq of this.queues.values()) await attempt(() => cq.close());
    if (failure === undefined && existsSync(this.paths.abort)) unlinkSync(this.paths.abort);
    if (existsSync(this.paths.lock)) unlinkSync(this.paths.lock);
    if (failure !== undefined) {
      this.logPersistError(failure);
      throw failure;
    }
  }
}

function queueKey(topic: string, queueId: number): string {
  return `${topic}\u0000${queueId}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
