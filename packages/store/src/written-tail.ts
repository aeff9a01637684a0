/** Bytes per chunk of the cache; a chunk is allocated when the one before it is full. */
const CHUNK_SIZE = 1024 * 1024;

interface Chunk {
  /** Log offset of the chunk's first byte. */
  readonly offset: number;
  readonly bytes: Buffer;
  /** Bytes filled; they never change once written. */
  length: number;
}

/**
 * The newest bytes written to the CommitLog, kept in memory so that consumers that are caught up
 * (nearly all of them, nearly all the time) read what was just stored without a file read. A
 * file read goes through libuv's thread pool: a hand-off and a wake-up per pull, which cost more
 * than the pull's own work and add its latency. RocketMQ gets the same from mmap.
 *
 * Bounded: whole chunks are dropped from the oldest end past `capacity` bytes, and a read the
 * cache does not cover falls back to the file. Chunks are filled, never rewritten, and dropped
 * rather than reused, so a buffer returned by `read` stays valid however long it is held.
 */
export class WrittenTail {
  private chunks: Chunk[] = [];
  private held = 0;

  /** @param capacity bytes kept at most (rounded up to whole chunks); 0 keeps nothing */
  constructor(private readonly capacity: number) {}

  /** Records bytes just written at `offset`; a gap (a segment roll) starts a new chunk. */
  append(offset: number, bytes: Buffer): void {
    if (this.capacity <= 0 || bytes.length === 0) return;
    let from = 0;
    let last: Chunk | undefined = this.chunks[this.chunks.length - 1];
    if (last && last.offset + last.length !== offset) last = undefined;
    while (from < bytes.length) {
      if (!last || last.length === last.bytes.length) last = this.newChunk(offset + from);
      const n = Math.min(bytes.length - from, last.bytes.length - last.length);
      bytes.copy(last.bytes, last.length, from, from + n);
      last.length += n;
      from += n;
    }
    this.evict();
  }

  /** The bytes [offset, offset + size) if the cache holds all of them, else undefined. */
  read(offset: number, size: number): Buffer | undefined {
    const chunks = this.chunks;
    // Newest first: a caught-up reader wants what was written last.
    let i = chunks.length - 1;
    while (i >= 0 && chunks[i]!.offset > offset) i--;
    if (i < 0) return undefined;
    const first = chunks[i]!;
    const start = offset - first.offset;
    if (start + size <= first.length) return first.bytes.subarray(start, start + size);
    if (start >= first.length) return undefined;
    // Spans chunks: they must be contiguous to the end of the range.
    const parts = [first.bytes.subarray(start, first.length)];
    let got = first.length - start;
    for (let j = i + 1; got < size; j++) {
      const chunk = chunks[j];
      if (!chunk || chunk.offset !== offset + got) return undefined;
      const n = Math.min(size - got, chunk.length);
      parts.push(chunk.bytes.subarray(0, n));
      got += n;
    }
    return Buffer.concat(parts, size);
  }

  /** Forgets everything (the log was truncated or closed). */
  clear(): void {
    this.chunks = [];
    this.held = 0;
  }

  /** Bytes held in memory, in whole chunks. */
  get bytesHeld(): number {
    return this.held;
  }

  private newChunk(offset: number): Chunk {
    const chunk: Chunk = { offset, bytes: Buffer.allocUnsafe(CHUNK_SIZE), length: 0 };
    this.chunks.push(chunk);
    this.held += CHUNK_SIZE;
    return chunk;
  }

  private evict(): void {
    while (this.held > this.capacity && this.chunks.length > 1) {
      this.chunks.shift();
      this.held -= CHUNK_SIZE;
    }
  }
}
