import { FrameError, FrameTooLargeError } from '../errors';
import { DEFAULT_MAX_FRAME_SIZE, decodeFrameContent } from './frame';
import type { RemotingCommand } from './remoting-command';

/**
 * Splits a TCP byte stream into commands. Chunks are kept as they arrive and joined only once a
 * whole frame is present, so a large frame arriving in many chunks is copied once. A bad length
 * or header throws a FrameError; the stream is then unusable and its connection must be closed.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(readonly maxFrameSize: number = DEFAULT_MAX_FRAME_SIZE) {}

  /** Bytes received and not yet decoded. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): RemotingCommand[] {
    if (this.failed) throw new FrameError('decoder already failed on an earlier frame');
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: RemotingCommand[] = [];
    try {
      for (let frame = this.nextFrame(); frame; frame = this.nextFrame()) {
        out.push(decodeFrameContent(frame));
      }
    } catch (err) {
      this.failed = true;
      this.chunks = [];
      this.buffered = 0;
      throw err;
    }
    return out;
  }

  private peekLength(): number | undefined {
    if (this.buffered < 4) return undefined;
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.readInt32BE(0);
  }

  private nextFrame(): Buffer | undefined {
    const length = this.peekLength();
    if (length === undefined) return undefined;
    if (length < 4) throw new FrameError(`illegal frame length ${length}`);
    if (length > this.maxFrameSize) throw new FrameTooLargeError(length, this.maxFrameSize);
    const total = 4 + length;
    if (this.buffered < total) return undefined;
    const first = this.chunks[0]!;
    let joined: Buffer;
    if (first.length >= total) {
      joined = first;
    } else {
      joined = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [joined];
    }
    const frame = joined.subarray(4, total);
    if (joined.length === total) this.chunks.shift();
    else this.chunks[0] = joined.subarray(total);
    this.buffered -= total;
    return frame;
  }
}
