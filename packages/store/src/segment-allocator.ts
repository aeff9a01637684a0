import type { Logger } from '@rocketnest/protocol';
import { Segment } from './segment';

/**
 * How CommitLog segments get their disk blocks. `sparse`: a new segment is a hole, and writes
 * allocate blocks as they go, so each fdatasync also commits that allocation (an ext4 journal
 * commit). `zero`: zeros are written ahead of the writer and made durable, so an fdatasync of
 * appended records commits data only.
 */
export type Preallocation = 'zero' | 'sparse';

/** How the allocator paces its zero writes. */
export interface FillPacing {
  /** Bytes of zeros per synchronous write; one write per event-loop turn. */
  chunk: number;
  /** Bytes zeroed between two fdatasyncs of the allocator. */
  step: number;
  /** How far past the append offset the segment being written is kept zeroed. */
  ahead: number;
}

/** 256 KiB writes, 4 MiB per fdatasync, 32 MiB ahead; less for segments under 256 MiB. */
export function fillPacing(segmentSize: number): FillPacing {
  const pages = Math.floor(segmentSize / 1024 / 4096);
  const chunk = 4096 * Math.min(64, Math.max(1, pages));
  return { chunk, step: 16 * chunk, ahead: 128 * chunk };
}

export interface SegmentAllocatorOptions {
  dir: string;
  segmentSize: number;
  mode: Preallocation;
  logger: Logger;
  /** The log's append offset: every byte below it belongs to a record, written or queued. */
  appendOffset(): number;
  /** Counts zeros written (for the log's stats). */
  onZeroed(bytes: number): void;
  pacing?: FillPacing;
}

/** A segment being zero-filled: below `zeroedTo` its blocks hold zeros or records. */
interface Fill {
  readonly segment: Segment;
  zeroedTo: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Hands the CommitLog its segments and, in `zero` mode, zero-fills them before records reach them
 * (RocketMQ's AllocateMappedFileService and its warmed mapped files): the segment being written is
 * kept zeroed `ahead` bytes past the append offset, and once it is half written the next segment
 * is prepared whole under a name the log does not read, then renamed when the log rolls into it.
 *
 * Zeros never overwrite records, by construction: every zero write is synchronous, on the thread
 * that writes the records, and starts at or above the log's append offset as it is at that moment
 * (`zeroChunk`). Bytes there belong to no record yet; a record's bytes get there later, over the
 * zeros. No zero write is ever in flight for a record write to race with; the only asynchronous
 * step is the fdatasync that makes the zeros durable, and it moves no bytes.
 */
export class SegmentAllocator {
  private readonly pacing: FillPacing;
  /** The newest segment of the log. */
  private current: Fill | undefined;
  /** The segment after it, under its prepared name until the log takes it. */
  private prepared: Fill | undefined;
  private filling: Promise<void> | undefined;
  /** After a failed zero write: nothing more until the log takes its next segment. */
  private suspended = false;
  private closed = false;

  constructor(private readonly options: SegmentAllocatorOptions) {
    this.pacing = options.pacing ?? fillPacing(options.segmentSize);
  }

  /**
   * Takes over the log's newest segment after recovery and zeroes the window ahead of the append
   * offset before it resolves (32 MiB at most: tens of milliseconds); the rest follows in the
   * background as appends advance.
   */
  async start(newest: Segment | undefined): Promise<void> {
    if (this.options.mode === 'sparse') return;
    const at = this.options.appendOffset();
    if (newest) {
      // Fully allocated means zero-filled before (the log never fallocates): nothing to redo.
      const whole = newest.allocatedBytes() >= newest.size;
      this.current = { segment: newest, zeroedTo: whole ? newest.endOffset : at };
    }
    if (!newest?.contains(at)) this.prepare(this.segmentStart(at));
    for (let fill = this.aheadDue(); fill; fill = this.aheadDue()) await this.fillStep(fill);
    this.wake();
  }

  /**
   * The segment starting at `startOffset`, for the log to roll into: the prepared one if it is
   * that one (renamed to its segment name), else a new sparse file.
   */
  take(startOffset: number): Segment {
    const prepared = this.prepared;
    this.prepared = undefined;
    let fill: Fill;
    if (prepared?.segment.startOffset === startOffset) {
      try {
        prepared.segment.publish();
      } catch (err) {
        // Left under its prepared name: the next recovery deletes it.
        prepared.segment.close();
        throw err;
      }
      fill = prepared;
    } else {
      prepared?.segment.destroy();
      const segment = Segment.create(this.options.dir, startOffset, this.options.segmentSize);
      fill = { segment, zeroedTo: startOffset };
    }
    this.current = fill;
    this.suspended = false;
    this.wake();
    return fill.segment;
  }

  /** Called after each write of the log: starts filling if zeros are due. Cheap when not. */
  wake(): void {
    if (this.filling || this.due() === undefined) return;
    this.filling = this.fillWhileDue().finally(() => {
      this.filling = undefined;
    });
  }

  /** Stops filling (waiting for a zero write's fdatasync) and deletes the prepared segment. */
  async close(): Promise<void> {
    this.closed = true;
    await this.filling;
    this.prepared?.segment.destroy();
    this.prepared = undefined;
  }

  private async fillWhileDue(): Promise<void> {
    for (let due = this.due(); due !== undefined; due = this.due()) {
      if (due === 'prepare') this.prepare(this.current!.segment.endOffset);
      else await this.fillStep(due);
    }
  }

  /** What to zero next: the window ahead of the writer first, then the next segment. */
  private due(): Fill | 'prepare' | undefined {
    const ahead = this.aheadDue();
    if (ahead || this.closed || this.suspended || this.options.mode === 'sparse') return ahead;
    const current = this.current;
    const at = this.options.appendOffset();
    if (!current || at < current.segment.startOffset + this.options.segmentSize / 2) return;
    if (!this.prepared) return 'prepare';
    return this.prepared.zeroedTo < this.prepared.segment.endOffset ? this.prepared : undefined;
  }

  /** The segment the next record goes to, if its zeros do not reach `ahead` past the writer. */
  private aheadDue(): Fill | undefined {
    if (this.closed || this.suspended || this.options.mode === 'sparse') return undefined;
    const at = this.options.appendOffset();
    const head = this.current?.segment.contains(at)
      ? this.current
      : this.prepared?.segment.contains(at)
        ? this.prepared
        : undefined;
    if (!head || head.zeroedTo >= head.segment.endOffset) return undefined;
    return head.zeroedTo < at + this.pacing.ahead ? head : undefined;
  }

  private prepare(startOffset: number): void {
    const { dir, segmentSize } = this.options;
    try {
      const segment = Segment.createPrepared(dir, startOffset, segmentSize);
      this.prepared = { segment, zeroedTo: startOffset };
    } catch (err) {
      this.suspend(err);
    }
  }

  /** Zeroes up to one step of `fill`, a chunk per event-loop turn, then makes it durable. */
  private async fillStep(fill: Fill): Promise<void> {
    try {
      const end = Math.min(fill.zeroedTo + this.pacing.step, fill.segment.endOffset);
      let zeroed = 0;
      while (!this.closed) {
        const written = this.zeroChunk(fill, end);
        if (written === 0) break;
        zeroed += written;
        await nextTurn();
      }
      if (zeroed > 0 && !this.closed) await fill.segment.flush();
    } catch (err) {
      if (fill === this.prepared) {
        this.prepared = undefined;
        fill.segment.destroy();
      }
      this.suspend(err);
    }
  }

  /**
   * Writes one chunk of zeros below `end`, never below the log's append offset (the bytes below
   * it are records'); returns how many bytes it wrote.
   */
  private zeroChunk(fill: Fill, end: number): number {
    const from = Math.min(
      Math.max(fill.zeroedTo, this.options.appendOffset()),
      fill.segment.endOffset,
    );
    fill.zeroedTo = from;
    const to = Math.min(from + this.pacing.chunk, end);
    if (to <= from) return 0;
    fill.segment.writeAt(from, [zeros(to - from)]);
    fill.zeroedTo = to;
    this.options.onZeroed(to - from);
    return to - from;
  }

  private segmentStart(offset: number): number {
    return Math.floor(offset / this.options.segmentSize) * this.options.segmentSize;
  }

  private suspend(err: unknown): void {
    this.suspended = true;
    this.options.logger.warn('commit-log zero-fill stopped until the next segment', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}

let zeroBuffer = Buffer.alloc(0);

function zeros(length: number): Buffer {
  if (zeroBuffer.length < length) zeroBuffer = Buffer.alloc(length);
  return zeroBuffer.subarray(0, length);
}
