import { mkdirSync, readdirSync } from 'node:fs';
import type { Logger } from '@rocketnest/protocol';
import type { IndexGeometry } from './index-file';
import { IndexFile, indexKeyHash } from './index-file';
import { parseSegmentFileName } from './segment';

export interface IndexServiceOptions {
  dir: string;
  hashSlots: number;
  entriesPerFile: number;
  logger: Logger;
}

export interface IndexQueryResult {
  physicalOffsets: number[];
  /** Store time of the newest indexed message (0 if none). */
  lastUpdateTimestamp: number;
  /** Commit-log offset of the newest indexed message (0 if none). */
  lastUpdatePhyOffset: number;
}

/**
 * The message key index (RocketMQ's IndexService): keys map to commit-log offsets through a
 * chain of index files (see IndexFile for the layout), oldest first. Files are named by their
 * creation time in ms, zero-padded to 20 digits, bumped by 1 if needed so names stay unique and
 * increasing. Only the newest file is written; it alone keeps a slot table and a bounded entry
 * buffer in memory, so memory does not grow with the number of messages or files.
 *
 * Crash consistency: the newest durable header is the index's state. A flush writes entries and
 * slots, fdatasyncs, then writes the header (indexCount, and endPhyOffset = the resume point) and
 * fdatasyncs again; sealed files are flushed before newer ones. On load, entries past a header's
 * indexCount are ignored, a slot table left half-written is rebuilt from the durable entries, and
 * a newest file whose header never reached the disk is deleted. Files end on message boundaries,
 * so the resume point is exact: everything below it is indexed, nothing at or above it is.
 */
export class IndexService {
  private readonly geometry: IndexGeometry;
  private readonly files: IndexFile[] = [];
  /** Sealed files whose final header is not yet durable, oldest first. */
  private readonly sealing: IndexFile[] = [];
  /** Every message below this has been put (or was indexed before a restart). */
  private dispatched = 0;
  /** The resume point in the newest durable header. */
  private durable = 0;
  private closed = false;
  private flushChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IndexServiceOptions) {
    const { hashSlots, entriesPerFile } = options;
    if (!Number.isInteger(hashSlots) || hashSlots < 1) {
      throw new RangeError(`hashSlots must be a positive integer, got ${hashSlots}`);
    }
    if (!Number.isInteger(entriesPerFile) || entriesPerFile < 2) {
      throw new RangeError(
        `entriesPerFile must be an integer of at least 2, got ${entriesPerFile}`,
      );
    }
    this.geometry = { hashSlots, entriesPerFile };
  }

  /**
   * Opens existing index files; returns the commit-log physical offset from which entries must be
   * re-put (everything before it is durably indexed). 0 for an empty index.
   */
  load(): number {
    const { dir, logger } = this.options;
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir)
      .filter((n) => parseSegmentFileName(n) !== undefined)
      .sort();
    for (const name of names) {
      const file = IndexFile.open(dir, name, this.geometry);
      if (file.hasDurableHeader) {
        this.files.push(file);
        continue;
      }
      // Created but never flushed (a crash right after a rollover): it holds nothing durable.
      logger.warn('index file never flushed, deleted', { file: file.path });
      file.destroy();
    }
    const current = this.current;
    if (current?.resumeWriting()) {
      logger.warn('index slot table rebuilt after an interrupted flush', {
        file: current.path,
        entries: current.indexCount - 1,
      });
    }
    this.dispatched = current?.endPhyOffset ?? 0;
    this.durable = this.dispatched;
    return this.dispatched;
  }

  /**
   * Indexes one key (the caller passes `${topic}#${key}`) for the message at physicalOffset stored
   * at storeTimestamp. Keys of messages below the dispatched mark are indexed already and ignored,
   * as RocketMQ's buildIndex does.
   */
  put(key: string, physicalOffset: number, storeTimestamp: number): void {
    this.putHash(indexKeyHash(key), physicalOffset, storeTimestamp);
  }

  /** As `put`, for a key already hashed (indexKeyHash or topicKeyHash). */
  putHash(keyHash: number, physicalOffset: number, storeTimestamp: number): void {
    if (this.closed) throw new Error('index service is closed');
    if (physicalOffset < this.dispatched) return;
    let file = this.current;
    if (!file || file.isFull) file = this.rollOver(physicalOffset, storeTimestamp);
    file.putKey(keyHash, physicalOffset, storeTimestamp);
  }

  /** Marks that every message below `physicalOffset` has been put. */
  markDispatched(physicalOffset: number): void {
    this.dispatched = Math.max(this.dispatched, physicalOffset);
  }

  /**
   * Newest-first commit-log offsets of messages with this key whose store time is within
   * [begin, end], at most maxNum, each offset once. The index stores only 31-bit key hashes and
   * store times in whole seconds: the caller must re-check the key (and, if it needs the exact
   * bounds, the store time) on each message.
   */
  query(key: string, maxNum: number, begin: number, end: number): IndexQueryResult {
    const keyHash = indexKeyHash(key);
    const found = new Set<number>();
    for (let i = this.files.length - 1; i >= 0 && found.size < maxNum; i--) {
      const file = this.files[i]!;
      if (file.isEmpty) continue;
      // Files are in time order: once one ends before `begin`, so do all older ones.
      if (file.endTimestamp < begin) break;
      if (file.beginTimestamp <= end) file.selectPhyOffset(found, keyHash, maxNum, begin, end);
    }
    const newest = this.newestNonEmpty();
    return {
      physicalOffsets: [...found],
      lastUpdateTimestamp: newest?.endTimestamp ?? 0,
      lastUpdatePhyOffset: newest?.newestPhyOffset ?? 0,
    };
  }

  /**
   * Writes buffered entries and the slot tables, fdatasyncs, persists the resume point; resolves
   * with the physical offset now durably indexed. Flushes run one at a time, in call order.
   */
  flush(): Promise<number> {
    const run = this.flushChain.then(() => this.flushNow());
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  /**
   * Deletes the oldest index files whose newest entry points below minPhysicalOffset, stopping at
   * the first that does not; never the file being written nor one awaiting its final flush.
   * Returns how many were deleted.
   */
  deleteExpired(minPhysicalOffset: number): number {
    let deleted = 0;
    while (this.files.length > 1) {
      const oldest = this.files[0]!;
      const newest = oldest.newestPhyOffset;
      if (this.sealing.includes(oldest) || (newest !== undefined && newest >= minPhysicalOffset))
        break;
      oldest.destroy();
      this.files.shift();
      deleted++;
    }
    if (deleted > 0)
      this.options.logger.info('expired index files deleted', {
        count: deleted,
        minPhysicalOffset,
      });
    return deleted;
  }

  /** Flushes and closes the files. */
  /** Flushes and closes the files; they are closed even if the flush fails (a full disk). */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      for (const file of this.files) file.close();
      this.files.length = 0;
    }
  }

  /** Entries put but not yet written to a file; bounded by the write buffer. */
  get bufferedEntries(): number {
    return this.current?.bufferedEntries ?? 0;
  }

  /** Memory held for writing (slot table and buffers of the newest file); constant per geometry. */
  get residentBytes(): number {
    return this.current?.residentBytes ?? 0;
  }

  private get current(): IndexFile | undefined {
    return this.files[this.files.length - 1];
  }

  private newestNonEmpty(): IndexFile | undefined {
    for (let i = this.files.length - 1; i >= 0; i--)
      if (!this.files[i]!.isEmpty) return this.files[i];
    return undefined;
  }

  private rollOver(physicalOffset: number, storeTimestamp: number): IndexFile {
    const full = this.current;
    const next = this.createFile();
    if (full) {
      // Keys of this message already in the full file move to the next one, so the full file
      // ends on a message boundary and `physicalOffset` is its exact end.
      const moved = full.takeBackMessage(physicalOffset);
      full.seal(physicalOffset);
      this.sealing.push(full);
      for (const keyHash of moved) next.putKey(keyHash, physicalOffset, storeTimestamp);
    }
    this.files.push(next);
    return next;
  }

  private createFile(): IndexFile {
    const last = this.current;
    const name = Math.max(Date.now(), last ? last.name + 1 : 0);
    const file = IndexFile.create(this.options.dir, name, this.geometry);
    this.options.logger.info('index file created', { file: file.path });
    return file;
  }

  private async flushNow(): Promise<number> {
    if (this.closed) return this.durable;
    // Without any key yet, an empty file still records the resume point.
    if (!this.current && this.dispatched > 0) this.files.push(this.createFile());
    const current = this.current;
    if (!current) return 0;
    // Never claim less than what the file holds, or a restart would put those keys again.
    const resume = Math.max(this.dispatched, (current.newestPhyOffset ?? -1) + 1);
    this.dispatched = resume;
    current.endPhyOffset = resume;
    // Everything is written synchronously first, so the headers describe one consistent state;
    // older files are committed first, so a newer durable header implies the older ones.
    const batch = [...this.sealing, current];
    const headers = batch.map((file) => file.prepareFlush());
    for (let i = 0; i < batch.length; i++) {
      const header = headers[i];
      if (header) await batch[i]!.commitHeader(header);
    }
    this.sealing.splice(0, batch.length - 1);
    this.durable = resume;
    return resume;
  }
}
