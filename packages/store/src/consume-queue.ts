import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readInt64BE } from '@rocketnest/protocol';
import { Segment, parseSegmentFileName } from './segment';
import { dataViewOf, setInt64 } from './data-view';

/** CQ_STORE_UNIT_SIZE: commit-log offset (8) + size (4) + tags code (8). */
export const CQ_UNIT_SIZE = 20;

/** Units a queue keeps in memory before writing them (5 KiB). */
const BUFFERED_BYTES = 256 * CQ_UNIT_SIZE;
/** A queue's first buffer; it grows as units gather and is let go once they are written. */
const FIRST_BUFFER_BYTES = 64 * CQ_UNIT_SIZE;
const EMPTY = Buffer.alloc(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

export interface CqUnit {
  queueOffset: number;
  physicalOffset: number;
  size: number;
  /** Java hashCode of the tag; for delay queues the delivery timestamp. */
  tagsCode: number;
}

/**
 * The index of one topic queue: fixed 20-byte units, unit N at byte N*20 of the queue's files
 * (files of `unitsPerFile` units, named by their starting byte offset as in RocketMQ). Units are
 * written as messages are dispatched and read with positional reads; the OS page cache keeps hot
 * tails in memory, so memory does not grow with the queue.
 */
export class ConsumeQueue {
  private files: Segment[] = [];
  private dirty = new Set<Segment>();
  /** First valid queue offset (raised when old files are deleted). */
  private min = 0;
  /** Next queue offset to be written. */
  private max = 0;
  private readonly fileSize: number;
  /** Units not yet written, from `bufferedStart` on (no buffer while there are none). */
  private buffered = EMPTY;
  private bufferedView: DataView = EMPTY_VIEW;
  private bufferedLength = 0;
  private bufferedStart = 0;

  constructor(
    readonly dir: string,
    readonly topic: string,
    readonly queueId: number,
    unitsPerFile: number,
  ) {
    this.fileSize = unitsPerFile * CQ_UNIT_SIZE;
  }

  static dirFor(root: string, topic: string, queueId: number): string {
    return join(root, topic, String(queueId));
  }

  get minOffset(): number {
    return this.min;
  }

  get maxOffset(): number {
    return this.max;
  }

  /** Opens existing files and finds the last written unit. */
  load(): void {
    mkdirSync(this.dir, { recursive: true });
    const names = readdirSync(this.dir)
      .filter((n) => parseSegmentFileName(n) !== undefined)
      .sort();
    this.files = names.map((n) => Segment.open(this.dir, n, this.fileSize));
    this.max = this.findEnd();
    this.min = this.files.length > 0 ? this.firstValidOffset() : 0;
  }

  /** Scans the last files backwards for the last unit with a size (units are written in order). */
  private findEnd(): number {
    for (let i = this.files.length - 1; i >= 0; i--) {
      const file = this.files[i]!;
      const data = file.readAtSync(file.startOffset, file.size);
      for (let pos = data.length - CQ_UNIT_SIZE; pos >= 0; pos -= CQ_UNIT_SIZE) {
        if (data.readInt32BE(pos + 8) > 0) return (file.startOffset + pos) / CQ_UNIT_SIZE + 1;
      }
    }
    return this.files[0] ? this.files[0].startOffset / CQ_UNIT_SIZE : 0;
  }

  private firstValidOffset(): number {
    const first = this.files[0]!;
    const data = first.readAtSync(first.startOffset, first.size);
    for (let pos = 0; pos < data.length; pos += CQ_UNIT_SIZE) {
      if (data.readInt32BE(pos + 8) > 0) return (first.startOffset + pos) / CQ_UNIT_SIZE;
    }
    return first.startOffset / CQ_UNIT_SIZE;
  }

  /**
   * Records the unit for `queueOffset`. Units of one dispatch batch are buffered and written by
   * `writeBuffered` in one positional write per run; units are positional, so re-dispatching the
   * same message after a crash rewrites the same bytes. Reads see buffered units at once.
   */
  put(queueOffset: number, physicalOffset: number, size: number, tagsCode: number): void {
    if (
      this.bufferedLength > 0 &&
      queueOffset !== this.bufferedStart + this.bufferedLength / CQ_UNIT_SIZE
    ) {
      this.writeBuffered();
    }
    if (this.bufferedLength === 0) this.bufferedStart = queueOffset;
    if (this.bufferedLength + CQ_UNIT_SIZE > this.buffered.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buffered.length * 2, FIRST_BUFFER_BYTES));
      this.buffered.copy(bigger, 0, 0, this.bufferedLength);
      this.buffered = bigger;
      this.bufferedView = dataViewOf(bigger);
    }
    const at = this.bufferedLength;
    const view = this.bufferedView;
    setInt64(view, at, physicalOffset);
    view.setInt32(at + 8, size);
    setInt64(view, at + 12, tagsCode);
    this.bufferedLength += CQ_UNIT_SIZE;
    if (queueOffset >= this.max) this.max = queueOffset + 1;
  }

  /**
   * Writes the buffered units once enough have gathered. Units are derived data (recovery rebuilds
   * them from the CommitLog), so they may wait in memory; reads, flushes and close write them.
   */
  writeIfFull(): void {
    if (this.bufferedLength >= BUFFERED_BYTES) this.writeBuffered();
  }

  /** Writes buffered units, splitting at file boundaries. */
  writeBuffered(): void {
    while (this.bufferedLength > 0) {
      const byteOffset = this.bufferedStart * CQ_UNIT_SIZE;
      const file = this.fileFor(byteOffset);
      const n = Math.min(this.bufferedLength, file.endOffset - byteOffset);
      // On failure (ENOSPC...) what is not yet written stays buffered for the next attempt.
      file.writeAt(byteOffset, [this.buffered.subarray(0, n)]);
      this.dirty.add(file);
      this.buffered.copy(this.buffered, 0, n, this.bufferedLength);
      this.bufferedLength -= n;
      this.bufferedStart += n / CQ_UNIT_SIZE;
    }
    // Idle queues hold no buffer: memory follows the queues being written, not all queues.
    this.buffered = EMPTY;
    this.bufferedView = EMPTY_VIEW;
  }

  /** Up to `maxCount` units from `queueOffset` (fewer at a file end or the queue end). */
  get(queueOffset: number, maxCount: number): CqUnit[] {
    if (queueOffset < this.min || queueOffset >= this.max) return [];
    // Units not yet written are served from memory (their write may be failing: a full disk).
    if (this.bufferedLength > 0 && queueOffset >= this.bufferedStart) {
      return this.unitsIn(
        this.buffered,
        (queueOffset - this.bufferedStart) * CQ_UNIT_SIZE,
        queueOffset,
        maxCount,
        this.bufferedLength,
      );
    }
    if (this.bufferedLength > 0) maxCount = Math.min(maxCount, this.bufferedStart - queueOffset);
    const byteOffset = queueOffset * CQ_UNIT_SIZE;
    const file = this.findFile(byteOffset);
    if (!file) return [];
    const count = Math.min(
      maxCount,
      this.max - queueOffset,
      (file.endOffset - byteOffset) / CQ_UNIT_SIZE,
    );
    const data = file.readAtSync(byteOffset, count * CQ_UNIT_SIZE);
    return this.unitsIn(data, 0, queueOffset, count, data.length);
  }

  private unitsIn(
    data: Buffer,
    start: number,
    queueOffset: number,
    maxCount: number,
    end: number,
  ): CqUnit[] {
    const units: CqUnit[] = [];
    for (let i = start; i + CQ_UNIT_SIZE <= end && units.length < maxCount; i += CQ_UNIT_SIZE) {
      const size = data.readInt32BE(i + 8);
      if (size <= 0) break;
      units.push({
        queueOffset: queueOffset + units.length,
        physicalOffset: readInt64BE(data, i),
        size,
        tagsCode: readInt64BE(data, i + 12),
      });
    }
    return units;
  }

  /**
   * The first queue offset whose message was stored at or after `timestamp` (binary search over
   * units; `storeTime` reads a message's store time from the commit log).
   */
  async offsetByTime(
    timestamp: number,
    storeTime: (unit: CqUnit) => Promise<number | undefined>,
  ): Promise<number> {
    let lo = this.min;
    let hi = this.max - 1;
    let answer = this.max;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const [unit] = this.get(mid, 1);
      const time = unit ? await storeTime(unit) : undefined;
      if (time === undefined) {
        lo = mid + 1;
        continue;
      }
      if (time >= timestamp) {
        answer = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return answer;
  }

  /** Drops units pointing at or past `physicalEnd` (after the commit log lost a torn tail). */
  truncateByPhysicalOffset(physicalEnd: number): number {
    this.writeBuffered();
    let removed = 0;
    while (this.max > this.min) {
      const [last] = this.get(this.max - 1, 1);
      if (!last || last.physicalOffset + last.size <= physicalEnd) break;
      const byteOffset = (this.max - 1) * CQ_UNIT_SIZE;
      this.fileFor(byteOffset).writeAt(byteOffset, [Buffer.alloc(CQ_UNIT_SIZE)]);
      this.max--;
      removed++;
    }
    return removed;
  }

  /** Deletes whole files whose units all point below `minPhysicalOffset`; returns files deleted. */
  deleteExpired(minPhysicalOffset: number): number {
    let deleted = 0;
    while (this.files.length > 1) {
      const first = this.files[0]!;
      const lastUnitOffset = first.endOffset / CQ_UNIT_SIZE - 1;
      const [last] = this.get(lastUnitOffset, 1);
      if (!last || last.physicalOffset >= minPhysicalOffset) break;
      this.files.shift();
      this.dirty.delete(first);
      first.destroy();
      deleted++;
      this.min = this.files[0]!.startOffset / CQ_UNIT_SIZE;
    }
    // Within the first file, skip units whose messages are gone.
    while (this.min < this.max) {
      const [unit] = this.get(this.min, 1);
      if (!unit || unit.physicalOffset >= minPhysicalOffset) break;
      this.min++;
    }
    return deleted;
  }

  async flush(): Promise<void> {
    this.writeBuffered();
    const files = [...this.dirty];
    this.dirty.clear();
    await Promise.all(files.map((f) => f.flush()));
  }

  /** Writes buffered units and closes the files (closed even if the write fails). */
  close(): void {
    try {
      this.writeBuffered();
    } finally {
      for (const f of this.files) f.close();
    }
  }

  destroy(): void {
    this.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private fileFor(byteOffset: number): Segment {
    const found = this.findFile(byteOffset);
    if (found) return found;
    const start = Math.floor(byteOffset / this.fileSize) * this.fileSize;
    const file = Segment.create(this.dir, start, this.fileSize);
    this.files.push(file);
    this.files.sort((a, b) => a.startOffset - b.startOffset);
    return file;
  }

  private findFile(byteOffset: number): Segment | undefined {
    const last = this.files[this.files.length - 1];
    if (last?.contains(byteOffset)) return last;
    return this.files.find((f) => f.contains(byteOffset));
  }
}
