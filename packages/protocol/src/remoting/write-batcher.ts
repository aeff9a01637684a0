import type { Socket } from 'node:net';

/** Parts at least this large are handed to the socket as they are rather than copied. */
const COPY_LIMIT = 16 * 1024;

/**
 * Coalesces the frames written during one pass of the event loop's tick and microtask queues
 * into one socket write. Without it every request or response is a `writev` system call of its
 * own, which costs more than encoding the frame; with it, the many sends that a burst of
 * responses sets off (each awaiting one) leave in one call. Small parts are copied into one
 * buffer; large bodies are written as they are, in order, within one cork.
 */
export class WriteBatcher {
  private parts: Buffer[] = [];
  private bytes = 0;
  private scheduled = false;

  /** @param onFlushed called after each batch is handed to the socket */
  constructor(
    private readonly socket: Socket,
    private readonly onFlushed: () => void,
  ) {}

  /** Bytes accepted and not yet handed to the socket. */
  get pendingBytes(): number {
    return this.bytes;
  }

  write(part: Buffer): void {
    this.parts.push(part);
    this.bytes += part.length;
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.flush());
  }

  /** Hands everything accepted so far to the socket. */
  flush(): void {
    this.scheduled = false;
    const parts = this.parts;
    if (parts.length === 0) return;
    this.parts = [];
    this.bytes = 0;
    if (this.socket.destroyed) return;
    this.writeParts(parts);
    this.onFlushed();
  }

  /** Drops what was not written yet (the connection closed). */
  clear(): void {
    this.parts = [];
    this.bytes = 0;
  }

  private writeParts(parts: Buffer[]): void {
    if (parts.length === 1) {
      this.socket.write(parts[0]!);
      return;
    }
    this.socket.cork();
    let run: Buffer[] = [];
    for (const part of parts) {
      if (part.length < COPY_LIMIT) {
        run.push(part);
        continue;
      }
      this.writeRun(run);
      run = [];
      this.socket.write(part);
    }
    this.writeRun(run);
    this.socket.uncork();
  }

  private writeRun(run: Buffer[]): void {
    if (run.length === 1) this.socket.write(run[0]!);
    else if (run.length > 1) this.socket.write(Buffer.concat(run));
  }
}
