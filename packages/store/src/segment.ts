import {
  close,
  closeSync,
  fdatasync,
  fstatSync,
  fsync,
  ftruncateSync,
  open,
  openSync,
  read,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writevSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);
const openAsync = promisify(open);
const closeAsync = promisify(close);

/** Suffix of a segment file being prepared ahead of the log (not yet part of it). */
export const PREPARED_SUFFIX = '.prealloc';

/** RocketMQ names segment files by their start offset, zero-padded to 20 digits. */
export function segmentFileName(startOffset: number): string {
  return String(startOffset).padStart(20, '0');
}

export function parseSegmentFileName(name: string): number | undefined {
  return /^\d{20}$/.test(name) ? Number(name) : undefined;
}

/**
 * One fixed-size file of a log (RocketMQ's MappedFile, without the mmap): positional writes and
 * reads, fdatasync on demand. The file is created at full size (sparse), so its length never
 * says where the data ends; recovery finds the end by validating records.
 */
export class Segment {
  /** False until a flush has also made the file's name durable (fsync of its directory). */
  private nameDurable: boolean;

  private constructor(
    private currentPath: string,
    readonly startOffset: number,
    readonly size: number,
    private fd: number,
    nameDurable: boolean,
  ) {
    this.nameDurable = nameDurable;
  }

  static create(dir: string, startOffset: number, size: number): Segment {
    return Segment.createAt(join(dir, segmentFileName(startOffset)), startOffset, size);
  }

  /**
   * Creates the segment at `startOffset` under a name no log reads (`<name>.prealloc`), so it can
   * be prepared before it is needed; `publish` gives it its segment name.
   */
  static createPrepared(dir: string, startOffset: number, size: number): Segment {
    return Segment.createAt(
      join(dir, segmentFileName(startOffset) + PREPARED_SUFFIX),
      startOffset,
      size,
    );
  }

  private static createAt(path: string, startOffset: number, size: number): Segment {
    const fd = openSync(path, 'w+');
    ftruncateSync(fd, size);
    return new Segment(path, startOffset, size, fd, false);
  }

  static open(dir: string, name: string, expectedSize: number): Segment {
    const startOffset = parseSegmentFileName(name);
    if (startOffset === undefined) throw new Error(`${name} is not a segment file name`);
    const path = join(dir, name);
    const fd = openSync(path, 'r+');
    const actual = statSync(path).size;
    // A crash between creating a file and sizing it leaves it short: size it (the gap reads as
    // zeros, i.e. no data). A segment created with a larger segment size keeps its own size.
    if (actual < expectedSize) ftruncateSync(fd, expectedSize);
    return new Segment(path, startOffset, Math.max(actual, expectedSize), fd, true);
  }

  get path(): string {
    return this.currentPath;
  }

  /** Renames a prepared segment to its segment name; its next flush makes the name durable. */
  publish(): void {
    const path = join(dirname(this.currentPath), segmentFileName(this.startOffset));
    renameSync(this.currentPath, path);
    this.currentPath = path;
    this.nameDurable = false;
  }

  /** Bytes of the file backed by disk blocks (written, zeros included); holes are not. */
  allocatedBytes(): number {
    return fstatSync(this.fd).blocks * 512;
  }

  get endOffset(): number {
    return this.startOffset + this.size;
  }

  contains(offset: number): boolean {
    return offset >= this.startOffset && offset < this.endOffset;
  }

  /** Writes buffers contiguously at an absolute log offset inside this segment. */
  writeAt(offset: number, buffers: Buffer[]): void {
    let position = offset - this.startOffset;
    let pending = buffers;
    // writev may write less than asked (rare for regular files): loop until all is written.
    while (pending.length > 0) {
      let written = writevSync(this.fd, pending, position);
      position += written;
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (written >= b.length) {
          written -= b.length;
          continue;
        }
        rest.push(written > 0 ? b.subarray(written) : b);
        written = 0;
      }
      pending = rest;
    }
  }

  /** Reads `length` bytes at an absolute log offset. */
  readAt(offset: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    const position = offset - this.startOffset;
    return new Promise((resolve, reject) => {
      read(this.fd, buf, 0, length, position, (err, bytesRead) => {
        if (err) reject(err);
        else resolve(bytesRead === length ? buf : buf.subarray(0, bytesRead));
      });
    });
  }

  readAtSync(offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const n = readSync(this.fd, buf, 0, length, offset - this.startOffset);
    return n === length ? buf : buf.subarray(0, n);
  }

  /**
   * fdatasync. Until a flush has also fsynced the directory since the file got its name, flushes
   * do that too: otherwise an OS crash could lose the name of a file whose data is durable.
   */
  flush(): Promise<void> {
    if (this.nameDurable) return fdatasyncAsync(this.fd);
    const path = this.currentPath;
    return Promise.all([fdatasyncAsync(this.fd), fsyncDirectory(dirname(path))]).then(() => {
      // A rename while this flush ran is not covered by it.
      if (this.currentPath === path) this.nameDurable = true;
    });
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  destroy(): void {
    this.close();
    unlinkSync(this.path);
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const fd = await openAsync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    await closeAsync(fd);
  }
}
