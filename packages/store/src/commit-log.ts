import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  MessageMagic,
  RecordOffset,
  decodeMessageRecord,
  prepareMessageRecord,
  readInt64BE,
  writeMessageRecord,
  type Logger,
  type MessageExt,
  type PreparedRecord,
  type MessageRecord,
} from '@rocketnest/protocol';
import { FlushTimeoutError, StoreIOError, StoreNotAvailableError } from './errors';
import { PREPARED_SUFFIX, Segment, parseSegmentFileName } from './segment';
import { SegmentAllocator, type FillPacing, type Preallocation } from './segment-allocator';
import { WrittenTail } from './written-tail';
import type { FlushMode } from './config';

// Bound once: in CommonJS a package's re-exports are getters, too slow to call per message.
const prepareRecord = prepareMessageRecord;
const writeRecord = writeMessageRecord;

/** RocketMQ's END_FILE_MIN_BLANK_LENGTH: room always left for a blank marker at a segment's end. */
export const BLANK_MARKER_LENGTH = 8;
/** A record header of size 0 and magic 0, where recovery ends the log. */
const END_OF_LOG = Buffer.alloc(8);

export type PutStatus = 'PUT_OK' | 'FLUSH_DISK_TIMEOUT';

export interface AppendResult {
  status: PutStatus;
  physicalOffset: number;
  size: number;
  storeTimestamp: number;
}

/** A record written to the log, handed to the dispatcher (ConsumeQueue, index, arrivals). */
export interface WrittenRecord {
  readonly physicalOffset: number;
  readonly size: number;
  readonly record: MessageRecord;
}

/**
 * An append from the moment it has its offset until it is acknowledged: one object per message
 * serves the write, the dispatch (it is the WrittenRecord) and the acknowledgement.
 */
class PendingAppend<T> implements WrittenRecord {
  /** Sync mode: when a flush not yet finished answers FLUSH_DISK_TIMEOUT. */
  deadline = 0;
  /** Sync mode: the PUT_OK answer, built while the fdatasync runs. */
  result: T | undefined;

  constructor(
    readonly physicalOffset: number,
    readonly size: number,
    readonly record: MessageRecord,
    readonly resolve: (value: T) => void,
    readonly reject: (err: Error) => void,
  ) {}
}

/** Bytes of the batch buffer (`from` .. `to`) that go to the log at `offset`, in one segment. */
interface Run {
  offset: number;
  from: number;
  to: number;
}

/** Counters for benchmarks and metrics. */
export interface CommitLogStats {
  /** writev batches (one per event-loop turn with appends). */
  writeBatches: number;
  recordsWritten: number;
  bytesWritten: number;
  /** fdatasync rounds. */
  flushes: number;
  /** Zeros written ahead of the records (`zero` preallocation). */
  zeroFilledBytes: number;
}

export interface CommitLogOptions<T> {
  dir: string;
  segmentSize: number;
  flushMode: FlushMode;
  /** How new segments get their disk blocks (see Preallocation). */
  preallocate: Preallocation;
  /** Zero-fill pacing; derived from the segment size when absent. */
  fillPacing?: FillPacing;
  flushIntervalMs: number;
  syncFlushTimeoutMs: number;
  /** Bytes of the newest log kept in memory for reads (see WrittenTail); 0 keeps none. */
  tailCacheBytes: number;
  logger: Logger;
  /** What an append resolves with, built once it is acknowledged. */
  acknowledge(written: WrittenRecord, status: PutStatus): T;
  /** Called for every record once it is written (in log order), before its append resolves. */
  onWritten(records: readonly WrittenRecord[]): void;
  /** Called when a write fails: offsets handed out for the failed batch are void. */
  onWriteFailed(err: Error): void;
}

/** What recovery found while validating the log from its checkpoint. */
export interface RecoveryReport {
  scannedFrom: number;
  validEnd: number;
  recordsScanned: number;
  truncatedBytes: number;
  /** Bytes read past the end of the log to find leftovers of failed writes. */
  bytesCheckedPastEnd: number;
  corruptRecords: { offset: number; reason: string }[];
}

/**
 * The CommitLog: every message of every topic, appended to one sequence of fixed-size segments.
 *
 * One writer, group commit: `append` encodes the record and assigns its offset at once (so offsets
 * follow call order), then queues it; once per event-loop turn every queued record is written with
 * a single positional write per segment. In `async` mode an append resolves when its bytes are
 * in the OS (they survive a process kill); in `sync` mode when an fdatasync covering them has
 * finished, one fdatasync serving every append written before it started. An append resolves
 * with a `T` built by the `acknowledge` option (the store's put result).
 */
export class CommitLog<T> {
  private segments: Segment[] = [];
  /** Appends encoded but not yet written, in log order. */
  private pending: PendingAppend<T>[] = [];
  /** Bytes of the pending records, encoded in place: one reused buffer, no buffer per record. */
  private batch = Buffer.allocUnsafe(1024 * 1024);
  private batchLength = 0;
  /** Runs of the batch buffer ended by a segment roll. */
  private closedRuns: Run[] = [];
  /** The open run: batch buffer bytes from `runFrom` on go to the log at `runOffset`. */
  private runOffset = 0;
  private runFrom = 0;
  private writeScheduled = false;
  /** Sync mode: written appends waiting for their fdatasync, in log order. */
  private flushWaiters: PendingAppend<T>[] = [];
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushTimeoutTimer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly stats: CommitLogStats = {
    writeBatches: 0,
    recordsWritten: 0,
    bytesWritten: 0,
    flushes: 0,
    zeroFilledBytes: 0,
  };
  /** Where the next record goes (includes queued, unwritten records). */
  private appendOffset = 0;
  /** End of the bytes handed to the OS. */
  private writtenOffset = 0;
  /** End of the bytes made durable by fdatasync. */
  private flushedOffset = 0;
  /** What the flush in progress must reach before it stops (the most any caller asked for). */
  private flushTarget = 0;
  /**
   * How far the bytes of failed writes may reach. A write can fail part way (a full disk) after
   * some of its records reached the file past `writtenOffset`; the next writes reuse those offsets.
   * Until they pass this offset, an empty record header follows each of them, so that recovery
   * ends the log there instead of reading the rejected records as its continuation.
   */
  private failedWriteEnd = 0;
  private readonly writeNow = () => this.writeBatch();
  private readonly tail: WrittenTail;
  private readonly allocator: SegmentAllocator;

  constructor(private readonly options: CommitLogOptions<T>) {
    this.tail = new WrittenTail(options.tailCacheBytes);
    this.allocator = new SegmentAllocator({
      dir: options.dir,
      segmentSize: options.segmentSize,
      mode: options.preallocate,
      logger: options.logger,
      pacing: options.fillPacing,
      appendOffset: () => this.appendOffset,
      onZeroed: (bytes) => (this.stats.zeroFilledBytes += bytes),
    });
  }

  get minOffset(): number {
    return this.segments[0]?.startOffset ?? 0;
  }

  get maxOffset(): number {
    return this.writtenOffset;
  }

  get flushed(): number {
    return this.flushedOffset;
  }

  /** Segments, oldest first (read-only view for retention). */
  get segmentList(): readonly Segment[] {
    return this.segments;
  }

  /**
   * Opens the segments and validates the log from `checkpoint` (a record boundary up to which
   * everything was dispatched and flushed) to its end, truncating a torn tail. Each valid record
   * after the checkpoint is passed to `redispatch` so derived data (queues, index) can be rebuilt.
   * `cleanShutdown`: the last run closed the log, so only the first bytes past its end need
   * checking for leftovers; after a crash the rest of the segment is checked.
   */
  recover(
    checkpoint: number,
    cleanShutdown: boolean,
    redispatch: (record: WrittenRecord, ext: MessageExt) => void,
  ): RecoveryReport {
    mkdirSync(this.options.dir, { recursive: true });
    const files = readdirSync(this.options.dir);
    // A segment being prepared when the last run stopped was never part of the log.
    for (const n of files.filter((f) => f.endsWith(PREPARED_SUFFIX))) {
      unlinkSync(join(this.options.dir, n));
    }
    const names = files.filter((n) => parseSegmentFileName(n) !== undefined).sort();
    this.segments = names.map((n) => Segment.open(this.options.dir, n, this.options.segmentSize));
    const report: RecoveryReport = {
      scannedFrom: 0,
      validEnd: 0,
      recordsScanned: 0,
      truncatedBytes: 0,
      bytesCheckedPastEnd: 0,
      corruptRecords: [],
    };
    if (this.segments.length === 0) {
      this.appendOffset = this.writtenOffset = this.flushedOffset = this.runOffset = 0;
      return report;
    }
    const start = Math.max(checkpoint, this.minOffset);
    let index = this.segments.findIndex((s) => s.contains(start));
    if (index < 0) index = this.segments.length - 1;
    let pos = this.segments[index]!.contains(start) ? start : this.segments[index]!.startOffset;
    report.scannedFrom = pos;
    let end = pos;
    for (; index < this.segments.length; index++) {
      const segment = this.segments[index]!;
      if (pos < segment.startOffset) pos = segment.startOffset;
      const result = this.scanSegment(segment, pos, report, redispatch);
      end = result.end;
      if (!result.reachedBlank) break;
      pos = segment.endOffset;
      end = pos;
    }
    this.truncateAt(end, report, cleanShutdown);
    this.appendOffset = this.writtenOffset = this.flushedOffset = this.runOffset = end;
    report.validEnd = end;
    return report;
  }

  /** Validates records from `from` inside one segment, reading it through a bounded window. */
  private scanSegment(
    segment: Segment,
    from: number,
    report: RecoveryReport,
    redispatch: (record: WrittenRecord, ext: MessageExt) => void,
  ): { end: number; reachedBlank: boolean } {
    const window = new SegmentWindow(segment);
    let offset = from;
    while (offset + BLANK_MARKER_LENGTH <= segment.endOffset) {
      const head = window.get(offset, BLANK_MARKER_LENGTH);
      const size = head.buf.readInt32BE(head.at);
      const magic = head.buf.readInt32BE(head.at + 4);
      if (magic === MessageMagic.BLANK) return { end: offset, reachedBlank: true };
      if (size === 0 && magic === 0) break;
      const ext =
        size > 0 && offset + size <= segment.endOffset ? window.decode(offset, size) : undefined;
      if (ext && !(ext instanceof Error)) {
        report.recordsScanned++;
        redispatch({ physicalOffset: offset, size, record: ext }, ext);
        offset += size;
        continue;
      }
      // A bad record followed by a good one is corruption in the middle: report it and skip it,
      // never serve it. Anything else is a torn tail: the log ends here.
      const next = offset + size;
      if (size > 0 && next + BLANK_MARKER_LENGTH <= segment.endOffset && window.validAt(next)) {
        const reason = ext instanceof Error ? ext.message : 'record overruns its segment';
        report.corruptRecords.push({ offset, reason });
        this.options.logger.error('corrupt commit-log record skipped', { offset, size, reason });
        offset = next;
        continue;
      }
      break;
    }
    return { end: offset, reachedBlank: false };
  }

  /** Zeroes whatever is left from `end` on and deletes the segments after it. */
  private truncateAt(end: number, report: RecoveryReport, cleanShutdown: boolean): void {
    const keep: Segment[] = [];
    for (const segment of this.segments) {
      if (segment.startOffset > end || (segment.startOffset === end && keep.length > 0)) {
        report.truncatedBytes += dataBytesAfter(
          segment,
          segment.startOffset,
          cleanShutdown,
          report,
        );
        segment.destroy();
        continue;
      }
      if (segment.contains(end)) {
        const tail = dataBytesAfter(segment, end, cleanShutdown, report);
        if (tail > 0) {
          report.truncatedBytes += tail;
          zeroRange(segment, end, end + tail);
        }
      }
      keep.push(segment);
    }
    this.segments = keep;
  }

  /** Starts the interval flush (async mode) and zero-fills ahead of the log (`zero` mode). */
  async start(): Promise<void> {
    if (this.options.flushMode === 'async') {
      this.flushTimer = setInterval(
        () => void this.flush().catch(() => undefined),
        this.options.flushIntervalMs,
      );
      this.flushTimer.unref();
    }
    await this.allocator.start(this.segments[this.segments.length - 1]);
  }

  /**
   * Appends a record. Its physical offset is assigned now (and set on `record`, which the log now
   * owns); queue offset and store timestamp must already be set. Throws at once if the record is
   * refused (nothing is queued then); otherwise resolves per the flush mode with what
   * `acknowledge` builds, or rejects if the write fails.
   */
  append(record: MessageRecord): Promise<T> {
    const prepared = this.prepare(record);
    return new Promise<T>((resolve, reject) => this.enqueue(prepared, resolve, reject));
  }

  /**
   * Appends records as `append` does, one after the other, with one promise for all: it resolves
   * with their answers in order once every one is acknowledged. If any record is refused, it
   * throws before queuing any.
   */
  appendAll(records: readonly MessageRecord[]): Promise<T[]> {
    const prepared = records.map((record) => this.prepare(record));
    return new Promise<T[]>((resolve, reject) => {
      const answers = new Array<T>(prepared.length);
      let left = prepared.length;
      if (left === 0) resolve(answers);
      prepared.forEach((p, i) => {
        const settle = (answer: T) => {
          answers[i] = answer;
          if (--left === 0) resolve(answers);
        };
        this.enqueue(p, settle, reject);
      });
    });
  }

  /** Measures and checks a record; throws if the log cannot take it. */
  private prepare(record: MessageRecord): PreparedRecord {
    if (this.closed) throw new StoreNotAvailableError('the commit log is closed');
    const prepared = prepareRecord(record);
    if (prepared.size + BLANK_MARKER_LENGTH > this.options.segmentSize) {
      throw new Error(
        `record of ${prepared.size} bytes cannot fit a segment of ${this.options.segmentSize} bytes`,
      );
    }
    return prepared;
  }

  /** The one append path: assigns the offset, encodes into the batch buffer, queues the write. */
  private enqueue(
    prepared: PreparedRecord,
    resolve: (answer: T) => void,
    reject: (err: Error) => void,
  ): void {
    const { msg: record, size } = prepared;
    this.scheduleWrite();
    this.rollIfNeeded(size);
    const offset = this.appendOffset;
    this.appendOffset += size;
    record.commitLogOffset = offset;
    // Reserve first: it may replace this.batch with a bigger buffer, which the write must target.
    const at = this.reserve(size);
    writeRecord(prepared, this.batch, at);
    this.pending.push(new PendingAppend<T>(offset, size, record, resolve, reject));
  }

  /** Room for `size` more bytes in the batch buffer; returns where they go. */
  private reserve(size: number): number {
    const pos = this.batchLength;
    if (pos + size > this.batch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.batch.length * 2, pos + size));
      this.batch.copy(bigger, 0, 0, pos);
      this.batch = bigger;
    }
    this.batchLength += size;
    return pos;
  }

  /**
   * Fills the rest of the current segment with a blank marker when `size` does not fit; the
   * batch's bytes then continue at the next segment, in a new run.
   */
  private rollIfNeeded(size: number): void {
    const segmentSize = this.options.segmentSize;
    const segmentEnd = (Math.floor(this.appendOffset / segmentSize) + 1) * segmentSize;
    const room = segmentEnd - this.appendOffset;
    if (size + BLANK_MARKER_LENGTH <= room) return;
    const bufferPos = this.reserve(BLANK_MARKER_LENGTH);
    this.batch.writeInt32BE(room, bufferPos);
    this.batch.writeInt32BE(MessageMagic.BLANK, bufferPos + 4);
    this.closedRuns.push({ offset: this.runOffset, from: this.runFrom, to: this.batchLength });
    this.runOffset = this.appendOffset = segmentEnd;
    this.runFrom = this.batchLength;
  }

  /** The first append of a batch schedules its write for the end of this event-loop turn. */
  private scheduleWrite(): void {
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    setImmediate(this.writeNow);
  }

  private writeBatch(): void {
    this.writeScheduled = false;
    const batch = this.pending;
    if (this.batchLength === 0) return;
    this.pending = [];
    let runs: Run[];
    try {
      runs = this.writeRuns();
    } catch (err) {
      this.failBatch(batch, new StoreIOError('commit-log write', err));
      return;
    }
    this.stats.writeBatches++;
    this.stats.bytesWritten += this.appendOffset - this.writtenOffset;
    this.stats.recordsWritten += batch.length;
    this.writtenOffset = this.appendOffset;
    // The header went out with the last run, unless that run was empty (the batch ended with a
    // segment roll); markEnd writes it then, and forgets the failed write once it is passed.
    if (this.failedWriteEnd > 0) this.markEndBeforeFailedWrite(runs[runs.length - 1]!);
    if (this.options.flushMode === 'async') {
      this.cacheRuns(runs);
      this.allocator.wake();
      this.dispatchWritten(batch);
      for (const p of batch) p.resolve(this.options.acknowledge(p, 'PUT_OK'));
      return;
    }
    // Start the fdatasync first: caching the bytes, zero-filling, building queue units, index
    // entries and the answers overlap with it, so its completion has only to hand answers out.
    void this.flush().catch(() => undefined);
    this.cacheRuns(runs);
    this.allocator.wake();
    const deadline = Date.now() + this.options.syncFlushTimeoutMs;
    for (const p of batch) {
      p.deadline = deadline;
      this.flushWaiters.push(p);
    }
    this.armFlushTimeout();
    this.dispatchWritten(batch);
    for (const p of batch) p.result = this.options.acknowledge(p, 'PUT_OK');
  }

  /**
   * The records are in the log whatever happens next: a failure to build derived data (a full
   * disk under the ConsumeQueue, say) is logged, never thrown out of the write path, and
   * recovery rebuilds that data from the log.
   */
  private dispatchWritten(written: readonly WrittenRecord[]): void {
    try {
      this.options.onWritten(written);
    } catch (err) {
      this.options.logger.error('dispatch of written records failed', {
        error: err instanceof Error ? err.message : String(err),
        from: written[0]?.physicalOffset,
        records: written.length,
      });
    }
  }

  /**
   * One timer for the oldest waiter's deadline (waiters are in deadline order). It is left to run
   * out when its waiters are released, and re-armed then for the oldest waiter left: arming and
   * clearing a timer per batch costs more than the batch's bookkeeping.
   */
  private armFlushTimeout(): void {
    if (this.flushTimeoutTimer || this.flushWaiters.length === 0) return;
    const head = this.flushWaiters[0]!;
    this.flushTimeoutTimer = setTimeout(
      () => {
        this.flushTimeoutTimer = undefined;
        this.expireFlushWaiters();
      },
      Math.max(0, head.deadline - Date.now()),
    );
    // Pending fdatasyncs keep the process alive; an idle store's leftover timer must not.
    this.flushTimeoutTimer.unref();
  }

  private expireFlushWaiters(): void {
    const now = Date.now();
    while (this.flushWaiters.length > 0 && this.flushWaiters[0]!.deadline <= now) {
      const waiter = this.flushWaiters.shift()!;
      this.options.logger.warn('sync flush timed out', { offset: waiter.physicalOffset });
      waiter.resolve(this.options.acknowledge(waiter, 'FLUSH_DISK_TIMEOUT'));
    }
    this.armFlushTimeout();
  }

  /**
   * Writes the batch buffer, one write per run (a run ends only where a segment was rolled), and
   * empties it: the writes are synchronous, so the buffer is free for the next batch even if one
   * fails. Returns the runs written, whose bytes stay in the buffer until the next append.
   */
  private writeRuns(): Run[] {
    const runs = this.closedRuns;
    const last: Run = { offset: this.runOffset, from: this.runFrom, to: this.batchLength };
    runs.push(last);
    this.closedRuns = [];
    this.runOffset = this.appendOffset;
    this.runFrom = this.batchLength = 0;
    for (const run of runs) {
      if (run.to === run.from) continue;
      const bytes = [this.batch.subarray(run.from, run.to)];
      // While a failed write's bytes may lie past the new end, the end-of-log header goes out in
      // the same write as the records before it: no moment where only the records are there.
      if (run === last && this.failedWriteEnd > this.appendOffset) bytes.push(END_OF_LOG);
      this.segmentFor(run.offset).writeAt(run.offset, bytes);
    }
    return runs;
  }

  /**
   * Copies written runs into the tail cache. Only a batch written whole is cached: a failed one is
   * written again at the same offsets. Must run before the next append reuses the batch buffer.
   */
  private cacheRuns(runs: readonly Run[]): void {
    for (const run of runs) this.tail.append(run.offset, this.batch.subarray(run.from, run.to));
  }

  private failBatch(batch: PendingAppend<T>[], err: Error): void {
    this.failedWriteEnd = Math.max(this.failedWriteEnd, this.appendOffset);
    this.appendOffset = this.runOffset = this.writtenOffset;
    this.options.logger.error('commit-log write failed; batch rejected', {
      error: err.message,
      records: batch.length,
    });
    this.markEndBeforeFailedWrite();
    this.options.onWriteFailed(err);
    for (const p of batch) p.reject(err);
  }

  /**
   * Writes an empty record header (size 0, magic 0: where recovery ends the log) at the end of the
   * log while bytes of a failed write may lie past it, unless `lastRun` (of the batch just written)
   * carried it; forgets the failed write once writes have passed it. Best effort: the disk may
   * still be full, and a failure is logged.
   */
  private markEndBeforeFailedWrite(lastRun?: Run): void {
    const end = this.writtenOffset;
    if (end >= this.failedWriteEnd) {
      this.failedWriteEnd = 0;
      return;
    }
    if (lastRun && lastRun.to > lastRun.from) return; // written with the run's records
    const segment = this.findSegment(end);
    if (!segment) return; // the failed write never created that segment: nothing of it is there
    try {
      segment.writeAt(end, [END_OF_LOG]);
    } catch (err) {
      this.options.logger.error('could not mark the end of the log before a failed write', {
        offset: end,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /**
   * Flushes everything written so far; concurrent callers share the flush in progress, which goes
   * on until it covers what each of them asked for. Writes made after the last call are left to
   * the next one: an interval flush does not turn into back-to-back fdatasyncs under load.
   */
  flush(): Promise<void> {
    this.flushTarget = Math.max(this.flushTarget, this.writtenOffset);
    if (this.flushing) return this.flushing;
    if (this.flushedOffset >= this.flushTarget) return Promise.resolve();
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    while (this.flushedOffset < this.flushTarget) {
      const from = this.flushedOffset;
      // One fdatasync covers everything written before it starts, asked for or not.
      const target = this.writtenOffset;
      const segments = this.segments.filter((s) => s.endOffset > from && s.startOffset < target);
      try {
        await Promise.all(segments.map((s) => s.flush()));
      } catch (err) {
        const error = new StoreIOError('commit-log fdatasync', err);
        this.options.logger.error('commit-log flush failed', { error: error.message });
        throw error;
      }
      this.flushedOffset = target;
      this.stats.flushes++;
      this.releaseFlushWaiters();
    }
  }

  private releaseFlushWaiters(): void {
    let released = 0;
    for (; released < this.flushWaiters.length; released++) {
      const waiter = this.flushWaiters[released]!;
      if (waiter.physicalOffset + waiter.size > this.flushedOffset) break;
      waiter.resolve(waiter.result as T);
    }
    if (released > 0) this.flushWaiters = this.flushWaiters.slice(released);
  }

  private segmentFor(offset: number): Segment {
    const last = this.segments[this.segments.length - 1];
    if (last && last.contains(offset)) return last;
    const found = this.findSegment(offset);
    if (found) return found;
    const start = Math.floor(offset / this.options.segmentSize) * this.options.segmentSize;
    const segment = this.allocator.take(start);
    this.segments.push(segment);
    return segment;
  }

  private findSegment(offset: number): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.segments[mid]!;
      if (offset < s.startOffset) hi = mid - 1;
      else if (offset >= s.endOffset) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /** Reads `size` bytes at `offset`, which must lie within written data of one segment. */
  async read(offset: number, size: number): Promise<Buffer | undefined> {
    if (offset < this.minOffset || offset + size > this.writtenOffset) return undefined;
    const cached = this.tail.read(offset, size);
    if (cached) return cached;
    const segment = this.findSegment(offset);
    if (!segment || offset + size > segment.endOffset) return undefined;
    return segment.readAt(offset, size);
  }

  /** Reads the record at `offset` (its size read first), or undefined if there is none. */
  async readRecord(offset: number): Promise<Buffer | undefined> {
    const head = await this.read(offset, 8);
    if (!head || head.length < 8) return undefined;
    const size = head.readInt32BE(0);
    const magic = head.readInt32BE(4);
    if (size <= 0 || (magic !== MessageMagic.V1 && magic !== MessageMagic.V2)) return undefined;
    const record = await this.read(offset, size);
    // A record knows its own offset: bytes that merely look like one (inside another message's
    // body, say) are not a record.
    if (!record || record.length < RecordOffset.PHYSICAL_OFFSET + 8) return undefined;
    return readInt64BE(record, RecordOffset.PHYSICAL_OFFSET) === offset ? record : undefined;
  }

  /**
   * Deletes whole segments from the oldest while `shouldDelete` says so; never the newest, nor one
   * the log has not written past: after a write failed in a segment it had just rolled into, the
   * newest segment is not the one being written.
   */
  deleteSegments(shouldDelete: (segment: Segment) => boolean): Segment[] {
    const deleted: Segment[] = [];
    while (
      this.segments.length > 1 &&
      this.segments[0]!.endOffset <= this.writtenOffset &&
      shouldDelete(this.segments[0]!)
    ) {
      const segment = this.segments.shift()!;
      segment.destroy();
      deleted.push(segment);
    }
    return deleted;
  }

  /** Writes what is queued, flushes, and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.writeBatch();
    await this.flush().catch(() => undefined);
    if (this.flushTimeoutTimer) clearTimeout(this.flushTimeoutTimer);
    for (const w of this.flushWaiters) w.resolve(this.options.acknowledge(w, 'FLUSH_DISK_TIMEOUT'));
    this.flushWaiters = [];
    await this.allocator.close();
    for (const s of this.segments) s.close();
    this.tail.clear();
  }
}

export { FlushTimeoutError };

const WINDOW_SIZE = 4 * 1024 * 1024;

/** Sequential reads of a segment through one reusable window, so recovery memory stays bounded. */
class SegmentWindow {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly segment: Segment) {}

  get(offset: number, length: number): { buf: Buffer; at: number } {
    if (offset < this.start || offset + length > this.start + this.buf.length) {
      const size = Math.min(Math.max(length, WINDOW_SIZE), this.segment.endOffset - offset);
      this.buf = this.segment.readAtSync(offset, size);
      this.start = offset;
    }
    return { buf: this.buf, at: offset - this.start };
  }

  decode(offset: number, size: number): MessageExt | Error {
    const { buf, at } = this.get(offset, size);
    try {
      const ext = decodeMessageRecord(buf.subarray(at, at + size), 0, { decompress: false });
      return ext.storeSize === size ? ext : new Error(`record size ${ext.storeSize} != ${size}`);
    } catch (err) {
      return err as Error;
    }
  }

  validAt(offset: number): boolean {
    const { buf, at } = this.get(offset, BLANK_MARKER_LENGTH);
    const size = buf.readInt32BE(at);
    if (buf.readInt32BE(at + 4) === MessageMagic.BLANK) return true;
    if (size <= 0 || offset + size > this.segment.endOffset) return false;
    return !(this.decode(offset, size) instanceof Error);
  }
}

/** What a clean shutdown's recovery checks past the end of the log: a failed write's leftovers. */
const CLEAN_TAIL_CHECK = WINDOW_SIZE;
const ZERO_WINDOW = Buffer.alloc(WINDOW_SIZE);

/**
 * Bytes from `from` to the last non-zero byte of the segment: data that truncation discards.
 * After a clean shutdown only the first window is read unless it holds data.
 */
function dataBytesAfter(
  segment: Segment,
  from: number,
  cleanShutdown: boolean,
  report: RecoveryReport,
): number {
  if (cleanShutdown) {
    const near = dataBytesBetween(
      segment,
      from,
      Math.min(segment.endOffset, from + CLEAN_TAIL_CHECK),
      report,
    );
    if (near === 0) return 0;
  }
  return dataBytesBetween(segment, from, segment.endOffset, report);
}

/** Scans windows backwards from `to`: only the last window holding data is read byte by byte. */
function dataBytesBetween(
  segment: Segment,
  from: number,
  to: number,
  report: RecoveryReport,
): number {
  for (let end = to; end > from; end -= WINDOW_SIZE) {
    const start = Math.max(from, end - WINDOW_SIZE);
    const chunk = segment.readAtSync(start, end - start);
    report.bytesCheckedPastEnd += chunk.length;
    if (chunk.equals(ZERO_WINDOW.subarray(0, chunk.length))) continue;
    let last = chunk.length - 1;
    while (chunk[last] === 0) last--;
    return start + last + 1 - from;
  }
  return 0;
}

function zeroRange(segment: Segment, from: number, to: number): void {
  const zeros = Buffer.alloc(Math.min(WINDOW_SIZE, to - from));
  for (let offset = from; offset < to; offset += zeros.length) {
    segment.writeAt(offset, [zeros.subarray(0, Math.min(zeros.length, to - offset))]);
  }
}
