import { readInt64BE, tagHashCode, writeInt64BE } from '@rocketnest/protocol';
import { Segment } from './segment';
import { dataViewOf, setInt64 } from './data-view';

// Bound once: in CommonJS a package's re-exports are getters, too slow to call per message.
const javaHashCode = tagHashCode;

/**
 * IndexHeader: beginTimestamp, endTimestamp, beginPhyOffset, endPhyOffset (int64 each),
 * hashSlotCount, indexCount (int32 each).
 */
export const INDEX_HEADER_SIZE = 40;
export const HASH_SLOT_SIZE = 4;
/** keyHash (4) + phyOffset (8) + timeDiff in seconds (4) + prevIndex (4). */
export const INDEX_ENTRY_SIZE = 20;
/** Entry 0 is never written, so a slot or prevIndex of 0 means "no entry". */
const INVALID_INDEX = 0;
/** Entries kept in memory before they go to the file in one positional write. */
export const WRITE_BUFFER_ENTRIES = 4096;
/** Slot-table writes are tracked per file page, so a flush rewrites only the pages that changed. */
const PAGE_SIZE = 4096;
/** How many entries a slot-table rebuild reads at a time. */
const REBUILD_CHUNK_ENTRIES = 65536;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** The `#` between topic and key in an indexed key. */
const TOPIC_KEY_SEPARATOR = 0x23;

/**
 * RocketMQ's IndexFile.indexKeyHashMethod: `Math.abs(key.hashCode())`, where the one value Java
 * cannot negate (Integer.MIN_VALUE) becomes 0.
 */
export function indexKeyHash(key: string): number {
  const hash = javaHashCode(key);
  return hash === INT32_MIN ? 0 : Math.abs(hash);
}

/** `indexKeyHash(\`${topic}#${text.slice(start, end)}\`)` without building that string. */
export function topicKeyHash(topic: string, text: string, start: number, end: number): number {
  // Java's hashCode continued over the joined string: h = 31 * h + c for each character.
  let hash = javaHashCode(topic);
  hash = (Math.imul(31, hash) + TOPIC_KEY_SEPARATOR) | 0;
  for (let i = start; i < end; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash === INT32_MIN ? 0 : Math.abs(hash);
}

export interface IndexGeometry {
  hashSlots: number;
  entriesPerFile: number;
}

export function indexFileSize({ hashSlots, entriesPerFile }: IndexGeometry): number {
  return INDEX_HEADER_SIZE + hashSlots * HASH_SLOT_SIZE + entriesPerFile * INDEX_ENTRY_SIZE;
}

export interface IndexHeader {
  /** Store time of the file's first entry; entries keep whole seconds relative to it. */
  beginTimestamp: number;
  endTimestamp: number;
  /** Commit-log offset of the file's first entry. */
  beginPhyOffset: number;
  /**
   * Unlike RocketMQ (offset of the newest entry), the exclusive end of what the file covers:
   * every message below it has its keys in this file or an older one, and no message at or
   * above it has keys in this file. For the newest file this is the index's resume point.
   */
  endPhyOffset: number;
  /** Slots in use (informational, as in RocketMQ). */
  hashSlotCount: number;
  /** Next entry index; starts at 1. 0 on disk means the header was never written. */
  indexCount: number;
}

export interface IndexEntry {
  keyHash: number;
  phyOffset: number;
  timeDiff: number;
  prevIndex: number;
}

function encodeHeader(header: IndexHeader): Buffer {
  const buf = Buffer.alloc(INDEX_HEADER_SIZE);
  writeInt64BE(buf, header.beginTimestamp, 0);
  writeInt64BE(buf, header.endTimestamp, 8);
  writeInt64BE(buf, header.beginPhyOffset, 16);
  writeInt64BE(buf, header.endPhyOffset, 24);
  buf.writeInt32BE(header.hashSlotCount, 32);
  buf.writeInt32BE(header.indexCount, 36);
  return buf;
}

function decodeHeader(buf: Buffer): IndexHeader {
  // A file cut short before its header was written reads as a never-written header.
  if (buf.length < INDEX_HEADER_SIZE) return decodeHeader(Buffer.alloc(INDEX_HEADER_SIZE));
  return {
    beginTimestamp: readInt64BE(buf, 0),
    endTimestamp: readInt64BE(buf, 8),
    beginPhyOffset: readInt64BE(buf, 16),
    endPhyOffset: readInt64BE(buf, 24),
    hashSlotCount: buf.readInt32BE(32),
    indexCount: buf.readInt32BE(36),
  };
}

/** State that only the file being written keeps in memory. */
interface WriteState {
  /** The slot table, big-endian as on disk (file bytes 40 .. 40 + 4 * hashSlots). */
  slotTable: Buffer;
  slotView: DataView;
  /** One flag per file page of the slot table: changed since it was last written. */
  dirtyPages: Uint8Array;
  /** Entries `bufferedFrom .. indexCount - 1`, not yet written to the file. */
  buffer: Buffer;
  bufferView: DataView;
  bufferedFrom: number;
}

/**
 * One key-index file in RocketMQ's layout: header, `hashSlots` 4-byte slots (index of the newest
 * entry with that slot, 0 for none), `entriesPerFile` 20-byte entries, each linking to the
 * previous entry of its slot. Entry index 0 is unused.
 *
 * The file being written keeps its slot table and a bounded buffer of new entries in memory;
 * sealed files are read with positional reads. The header is the commit point: it is written
 * (by `commitHeader`) only after the entries and slots it counts are durable, so after a crash
 * the header describes a consistent prefix of the file.
 */
export class IndexFile {
  private write: WriteState | undefined;
  /** The header bytes last made durable; a flush that would write the same bytes is skipped. */
  private durableHeader: Buffer;

  private constructor(
    /** The segment's "start offset" is the file's name, so positions are `name + offset`. */
    private readonly segment: Segment,
    private readonly geometry: IndexGeometry,
    private readonly header: IndexHeader,
    durableHeader: Buffer,
  ) {
    this.durableHeader = durableHeader;
  }

  /** A new, empty file named `name` (20 digits), ready for writing. */
  static create(dir: string, name: number, geometry: IndexGeometry): IndexFile {
    const segment = Segment.create(dir, name, indexFileSize(geometry));
    const header: IndexHeader = {
      beginTimestamp: 0,
      endTimestamp: 0,
      beginPhyOffset: 0,
      endPhyOffset: 0,
      hashSlotCount: 0,
      indexCount: 1,
    };
    const file = new IndexFile(segment, geometry, header, Buffer.alloc(INDEX_HEADER_SIZE));
    file.write = file.newWriteState(Buffer.alloc(geometry.hashSlots * HASH_SLOT_SIZE));
    return file;
  }

  /** Opens an existing file read-only; `resumeWriting` makes it the file being written. */
  static open(dir: string, fileName: string, geometry: IndexGeometry): IndexFile {
    const segment = Segment.open(dir, fileName, indexFileSize(geometry));
    const expected = indexFileSize(geometry);
    if (segment.size !== expected) {
      segment.close();
      throw new Error(
        `index file ${segment.path} has ${segment.size} bytes, but hashSlots=${geometry.hashSlots} ` +
          `and entriesPerFile=${geometry.entriesPerFile} make ${expected}: restore those options, ` +
          'or delete the index directory to rebuild it from the commit log',
      );
    }
    const raw = segment.readAtSync(segment.startOffset, INDEX_HEADER_SIZE);
    const header = decodeHeader(raw);
    if (header.indexCount > geometry.entriesPerFile || header.indexCount < 0) {
      segment.close();
      throw new Error(
        `index file ${segment.path} has a corrupt header (indexCount ${header.indexCount})`,
      );
    }
    return new IndexFile(segment, geometry, header, Buffer.from(raw));
  }

  get path(): string {
    return this.segment.path;
  }

  /** The number the file is named after. */
  get name(): number {
    return this.segment.startOffset;
  }

  /** False for a file whose header never reached the disk: it holds no durable entry. */
  get hasDurableHeader(): boolean {
    return this.durableHeader.readInt32BE(36) > 0;
  }

  get indexCount(): number {
    return this.header.indexCount;
  }

  get isEmpty(): boolean {
    return this.header.indexCount <= 1;
  }

  get isFull(): boolean {
    return this.header.indexCount >= this.geometry.entriesPerFile;
  }

  get beginTimestamp(): number {
    return this.header.beginTimestamp;
  }

  get endTimestamp(): number {
    return this.header.endTimestamp;
  }

  get endPhyOffset(): number {
    return this.header.endPhyOffset;
  }

  set endPhyOffset(value: number) {
    this.header.endPhyOffset = value;
  }

  /** Commit-log offset of the newest entry, or undefined for an empty file. */
  get newestPhyOffset(): number | undefined {
    return this.isEmpty ? undefined : this.readEntry(this.header.indexCount - 1).phyOffset;
  }

  /** Entries put but not yet written to the file. */
  get bufferedEntries(): number {
    return this.write ? this.header.indexCount - this.write.bufferedFrom : 0;
  }

  /** Bytes this file holds in memory besides its header. */
  get residentBytes(): number {
    const w = this.write;
    return w ? w.slotTable.length + w.dirtyPages.length + w.buffer.length : 0;
  }

  /**
   * Makes this (the newest) file the one being written: loads its slot table. If a slot points at
   * or past the header's indexCount, a flush was interrupted after writing slots but before the
   * header: the table on disk may have lost links to durable entries, so it is rebuilt from them.
   * Returns true if it was rebuilt.
   */
  resumeWriting(): boolean {
    const bytes = this.geometry.hashSlots * HASH_SLOT_SIZE;
    const table = this.segment.readAtSync(this.at(INDEX_HEADER_SIZE), bytes);
    const consistent = table.length === bytes && this.slotsBelow(table, this.header.indexCount);
    this.write = this.newWriteState(consistent ? table : this.rebuildSlotTable());
    if (!consistent) this.write.dirtyPages.fill(1);
    return !consistent;
  }

  /**
   * Appends an entry (RocketMQ's putKey). The caller rolls to a new file when `isFull`. Writes
   * go to the in-memory buffer; the file sees them when the buffer fills, on seal or on flush.
   */
  putKey(keyHash: number, phyOffset: number, storeTimestamp: number): void {
    const w = this.writable();
    const header = this.header;
    const index = header.indexCount;
    if (index >= this.geometry.entriesPerFile) throw new Error(`index file ${this.path} is full`);
    if (index === 1) {
      header.beginTimestamp = storeTimestamp;
      header.beginPhyOffset = phyOffset;
    }
    const slotPos = (keyHash % this.geometry.hashSlots) * HASH_SLOT_SIZE;
    const prevIndex = w.slotView.getInt32(slotPos);
    // Whole seconds since the file began, clamped as in RocketMQ (a clock moving back gives 0).
    const timeDiff = Math.min(
      INT32_MAX,
      Math.max(0, Math.floor((storeTimestamp - header.beginTimestamp) / 1000)),
    );

    if (index - w.bufferedFrom === WRITE_BUFFER_ENTRIES) this.writeBufferedEntries();
    const pos = (index - w.bufferedFrom) * INDEX_ENTRY_SIZE;
    const entry = w.bufferView;
    entry.setInt32(pos, keyHash);
    setInt64(entry, pos + 4, phyOffset);
    entry.setInt32(pos + 12, timeDiff);
    entry.setInt32(pos + 16, prevIndex);

    this.setSlot(w, slotPos, index);
    if (prevIndex === INVALID_INDEX) header.hashSlotCount++;
    header.indexCount = index + 1;
    header.endTimestamp = Math.max(header.endTimestamp, storeTimestamp);
  }

  /**
   * Removes the newest entries if they belong to the message at `phyOffset` and older messages
   * precede them, so that a full file ends on a message boundary (and its endPhyOffset is an
   * exact resume point). Returns the removed key hashes in put order, to be put into the next
   * file. A file holding only that message keeps its entries: the message is then split.
   */
  takeBackMessage(phyOffset: number): number[] {
    const w = this.writable();
    const count = this.header.indexCount;
    let first = count;
    while (first - 1 > INVALID_INDEX && this.readEntry(first - 1).phyOffset === phyOffset) first--;
    if (first === count || first === 1) return [];
    const hashes: number[] = [];
    // Undo newest first: each entry's prevIndex is what its slot held before it was put.
    for (let index = count - 1; index >= first; index--) {
      const entry = this.readEntry(index);
      this.setSlot(w, (entry.keyHash % this.geometry.hashSlots) * HASH_SLOT_SIZE, entry.prevIndex);
      if (entry.prevIndex === INVALID_INDEX) this.header.hashSlotCount--;
      hashes.push(entry.keyHash);
    }
    this.header.indexCount = first;
    w.bufferedFrom = Math.min(w.bufferedFrom, first);
    return hashes.reverse();
  }

  /**
   * Ends writing: entries and slot table go to the file (not yet fsynced) and leave memory.
   * The final header is made durable by the next flush.
   */
  seal(endPhyOffset: number): void {
    this.writeBufferedEntries();
    this.writeDirtySlots();
    this.header.endPhyOffset = endPhyOffset;
    this.write = undefined;
  }

  /**
   * First half of a flush, synchronous so that it captures one consistent state: writes buffered
   * entries and changed slot pages, and returns the header that describes them, or undefined if
   * the durable header already does.
   */
  prepareFlush(): Buffer | undefined {
    this.writeBufferedEntries();
    this.writeDirtySlots();
    const header = encodeHeader(this.header);
    return header.equals(this.durableHeader) ? undefined : header;
  }

  /** Second half: fdatasync what prepareFlush wrote, then write the header and fdatasync it. */
  async commitHeader(header: Buffer): Promise<void> {
    await this.segment.flush();
    this.segment.writeAt(this.at(0), [header]);
    await this.segment.flush();
    this.durableHeader = header;
  }

  /**
   * Adds to `found` the commit-log offsets of entries with `keyHash` whose stored second overlaps
   * [begin, end], newest first, until `found` holds maxNum (RocketMQ's selectPhyOffset).
   */
  selectPhyOffset(
    found: Set<number>,
    keyHash: number,
    maxNum: number,
    begin: number,
    end: number,
  ): void {
    const count = this.header.indexCount;
    let index = this.readSlot(keyHash % this.geometry.hashSlots);
    while (index > INVALID_INDEX && index < count && found.size < maxNum) {
      const entry = this.readEntry(index);
      // The entry's store time lies in [time, time + 999]; match if that second overlaps.
      const time = this.header.beginTimestamp + entry.timeDiff * 1000;
      if (entry.keyHash === keyHash && time <= end && time + 999 >= begin)
        found.add(entry.phyOffset);
      // Chains run back in time; a link that does not go back is damage, not a chain.
      if (time + 999 < begin || entry.prevIndex >= index) break;
      index = entry.prevIndex;
    }
  }

  close(): void {
    this.segment.close();
  }

  destroy(): void {
    this.write = undefined;
    this.segment.destroy();
  }

  private at(position: number): number {
    return this.segment.startOffset + position;
  }

  private entryPosition(index: number): number {
    return INDEX_HEADER_SIZE + this.geometry.hashSlots * HASH_SLOT_SIZE + index * INDEX_ENTRY_SIZE;
  }

  private writable(): WriteState {
    if (!this.write) throw new Error(`index file ${this.path} is not being written`);
    return this.write;
  }

  private newWriteState(slotTable: Buffer): WriteState {
    const lastSlotByte = INDEX_HEADER_SIZE + slotTable.length - 1;
    const buffer = Buffer.allocUnsafe(WRITE_BUFFER_ENTRIES * INDEX_ENTRY_SIZE);
    return {
      slotTable,
      slotView: dataViewOf(slotTable),
      dirtyPages: new Uint8Array(Math.floor(lastSlotByte / PAGE_SIZE) + 1),
      buffer,
      bufferView: dataViewOf(buffer),
      bufferedFrom: this.header.indexCount,
    };
  }

  private setSlot(w: WriteState, slotPos: number, index: number): void {
    w.slotView.setInt32(slotPos, index);
    w.dirtyPages[((INDEX_HEADER_SIZE + slotPos) / PAGE_SIZE) | 0] = 1;
  }

  private slotsBelow(table: Buffer, count: number): boolean {
    for (let pos = 0; pos < table.length; pos += HASH_SLOT_SIZE) {
      const index = table.readInt32BE(pos);
      if (index < INVALID_INDEX || index >= count) return false;
    }
    return true;
  }

  /** The slot table of the durable entries 1 .. indexCount - 1, from the entries themselves. */
  private rebuildSlotTable(): Buffer {
    const { hashSlots } = this.geometry;
    const table = Buffer.alloc(hashSlots * HASH_SLOT_SIZE);
    const count = this.header.indexCount;
    let used = 0;
    for (let first = 1; first < count; first += REBUILD_CHUNK_ENTRIES) {
      const n = Math.min(REBUILD_CHUNK_ENTRIES, count - first);
      const data = this.segment.readAtSync(
        this.at(this.entryPosition(first)),
        n * INDEX_ENTRY_SIZE,
      );
      for (let k = 0; k < n; k++) {
        const slotPos = (data.readInt32BE(k * INDEX_ENTRY_SIZE) % hashSlots) * HASH_SLOT_SIZE;
        if (table.readInt32BE(slotPos) === INVALID_INDEX) used++;
        table.writeInt32BE(first + k, slotPos);
      }
    }
    this.header.hashSlotCount = used;
    return table;
  }

  private readSlot(slot: number): number {
    if (this.write) return this.write.slotTable.readInt32BE(slot * HASH_SLOT_SIZE);
    const raw = this.segment.readAtSync(
      this.at(INDEX_HEADER_SIZE + slot * HASH_SLOT_SIZE),
      HASH_SLOT_SIZE,
    );
    return raw.length === HASH_SLOT_SIZE ? raw.readInt32BE(0) : INVALID_INDEX;
  }

  private readEntry(index: number): IndexEntry {
    const w = this.write;
    let buf: Buffer;
    let pos = 0;
    if (w && index >= w.bufferedFrom) {
      buf = w.buffer;
      pos = (index - w.bufferedFrom) * INDEX_ENTRY_SIZE;
    } else {
      buf = this.segment.readAtSync(this.at(this.entryPosition(index)), INDEX_ENTRY_SIZE);
    }
    return {
      keyHash: buf.readInt32BE(pos),
      phyOffset: readInt64BE(buf, pos + 4),
      timeDiff: buf.readInt32BE(pos + 12),
      prevIndex: buf.readInt32BE(pos + 16),
    };
  }

  private writeBufferedEntries(): void {
    const w = this.write;
    if (!w) return;
    const count = this.header.indexCount - w.bufferedFrom;
    if (count === 0) return;
    this.segment.writeAt(this.at(this.entryPosition(w.bufferedFrom)), [
      w.buffer.subarray(0, count * INDEX_ENTRY_SIZE),
    ]);
    w.bufferedFrom = this.header.indexCount;
  }

  /** Writes runs of changed slot-table pages, each run in one positional write. */
  private writeDirtySlots(): void {
    const w = this.write;
    if (!w) return;
    const pages = w.dirtyPages;
    for (let page = 0; page < pages.length;) {
      if (pages[page] === 0) {
        page++;
        continue;
      }
      const firstPage = page;
      while (page < pages.length && pages[page] === 1) pages[page++] = 0;
      const from = Math.max(firstPage * PAGE_SIZE - INDEX_HEADER_SIZE, 0);
      const to = Math.min(page * PAGE_SIZE - INDEX_HEADER_SIZE, w.slotTable.length);
      this.segment.writeAt(this.at(INDEX_HEADER_SIZE + from), [w.slotTable.subarray(from, to)]);
    }
  }
}
