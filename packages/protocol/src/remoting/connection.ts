import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConnectionError, FrameError, RequestTimeoutError } from '../errors';
import { FrameDecoder } from '../command/frame-decoder';
import { DEFAULT_MAX_FRAME_SIZE, encodeFrameParts } from '../command/frame';
import { CommandFlag, isResponse, type RemotingCommand } from '../command/remoting-command';
import type { RequestDispatcher } from './dispatcher';
import type { Logger } from './logger';
import { WriteBatcher } from './write-batcher';

export interface ConnectionOptions {
  /** Largest frame accepted from the peer; a larger one closes the connection. */
  maxFrameSize?: number;
  /**
   * Bytes queued for the socket above which the connection stops reading from the peer (and
   * `invoke` waits), so a peer that does not read cannot make us buffer without bound.
   */
  writeHighWaterMark?: number;
  /** Requests from the peer being handled at once; above it the connection stops reading. */
  maxInFlightRequests?: number;
  /**
   * Requests dispatched before the connection yields to let their responses be written and the
   * write queue be measured again. With synchronous handlers this bounds how far the queue can
   * overshoot `writeHighWaterMark`: by at most this many responses.
   */
  dispatchBurst?: number;
}

interface Pending {
  resolve(response: RemotingCommand): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One TCP connection speaking remoting in both directions: it matches responses to the requests
 * it sent (by opaque) and hands the peer's requests to a dispatcher. Frame errors close it; they
 * never throw out of a socket callback.
 *
 * Events: `close` (err?: Error), `frameError` (err: FrameError).
 */
export class RemotingConnection extends EventEmitter {
  readonly remoteAddress: string;
  private readonly decoder: FrameDecoder;
  private readonly batcher: WriteBatcher;
  private readonly pending = new Map<number, Pending>();
  private readonly highWaterMark: number;
  private readonly maxInFlight: number;
  private readonly dispatchBurst: number;
  private inFlight = 0;
  private inbox: RemotingCommand[] = [];
  private pumpScheduled = false;
  private paused = false;
  private closed = false;
  private drainWaiters: (() => void)[] = [];
  /** Free-form per-connection state owned by the server's handlers (e.g. the client id). */
  readonly attributes = new Map<string, unknown>();

  constructor(
    readonly socket: Socket,
    private readonly dispatcher: RequestDispatcher | undefined,
    private readonly logger: Logger,
    options: ConnectionOptions = {},
  ) {
    super();
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    this.decoder = new FrameDecoder(options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE);
    this.highWaterMark = options.writeHighWaterMark ?? 8 * 1024 * 1024;
    this.maxInFlight = options.maxInFlightRequests ?? 4096;
    this.dispatchBurst = options.dispatchBurst ?? 64;
    this.batcher = new WriteBatcher(socket, () => this.onFlushed());
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) =>
      this.logger.debug('socket error', { remote: this.remoteAddress, error: err.message }),
    );
    socket.on('close', () => this.onClose());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Requests sent and not yet answered. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Sends a request and resolves with its response, or rejects on timeout or close. */
  invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    // Most sends find room in the write queue: they skip the extra promise of waiting for it.
    if (this.queuedBytes >= this.highWaterMark && !this.closed) {
      return this.writable().then(() => this.send(request, timeoutMs));
    }
    return this.send(request, timeoutMs);
  }

  private send(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => {
      if (this.closed) {
        reject(
          new ConnectionError(`connection to ${this.remoteAddress} is closed`, this.remoteAddress),
        );
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(request.opaque);
        reject(new RequestTimeoutError(this.remoteAddress, request.code, timeoutMs));
      }, timeoutMs);
      this.pending.set(request.opaque, { resolve, reject, timer });
      try {
        this.write(request);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(request.opaque);
        reject(err as Error);
      }
    });
  }

  /** Sends a request that gets no response (the ONEWAY flag is set). */
  async invokeOneway(request: RemotingCommand): Promise<void> {
    await this.writable();
    if (this.closed)
      throw new ConnectionError(
        `connection to ${this.remoteAddress} is closed`,
        this.remoteAddress,
      );
    request.flag |= CommandFlag.ONEWAY;
    this.write(request);
  }

  /** Ends the connection: pending requests reject, queued writes are flushed first. */
  close(): void {
    if (this.closed) return;
    this.batcher.flush();
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    timer.unref();
  }

  /** Closes at once, dropping queued writes. */
  destroy(err?: Error): void {
    this.socket.destroy(err);
  }

  private write(cmd: RemotingCommand): void {
    const [prefix, body] = encodeFrameParts(cmd);
    this.batcher.write(prefix);
    if (body) this.batcher.write(body);
    this.updateFlowControl();
  }

  /** Bytes written and not yet taken by the kernel: the socket's queue and the batch. */
  private get queuedBytes(): number {
    return this.socket.writableLength + this.batcher.pendingBytes;
  }

  private writable(): Promise<void> {
    if (this.closed || this.queuedBytes < this.highWaterMark) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * A flushed batch the kernel took at once brings no `drain`, yet may have been what kept the
   * queue above its mark.
   */
  private onFlushed(): void {
    if (this.queuedBytes < this.highWaterMark) this.onDrain();
  }

  /** Reading stops while requests wait in the inbox or the write queue is above its mark. */
  private updateFlowControl(): void {
    const shouldPause = this.inbox.length > 0 || this.queuedBytes >= this.highWaterMark;
    if (shouldPause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private onDrain(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    this.schedulePump();
    this.updateFlowControl();
  }

  private onData(chunk: Buffer): void {
    let commands: RemotingCommand[];
    try {
      commands = this.decoder.push(chunk);
    } catch (err) {
      const error = err instanceof FrameError ? err : new FrameError(String(err));
      this.logger.warn('closing connection after a malformed frame', {
        remote: this.remoteAddress,
        error: error.message,
      });
      this.emit('frameError', error);
      this.socket.destroy();
      return;
    }
    for (const cmd of commands) {
      if (isResponse(cmd)) this.onResponse(cmd);
      else if (this.dispatcher) this.inbox.push(cmd);
    }
    this.pump();
  }

  /** Dispatches waiting requests while the in-flight count and the write queue allow. */
  private pump(): void {
    let dispatched = 0;
    while (
      this.inbox.length > 0 &&
      !this.closed &&
      this.inFlight < this.maxInFlight &&
      this.queuedBytes < this.highWaterMark
    ) {
      if (dispatched++ >= this.dispatchBurst) {
        this.schedulePump();
        break;
      }
      this.onRequest(this.inbox.shift()!);
    }
    if (!this.closed) this.updateFlowControl();
  }

  /**
   * Pumps again on the next turn of the event loop, once the responses of what was dispatched so
   * far have been written: one pump per turn is what keeps the write queue's overshoot bounded.
   */
  private schedulePump(): void {
    if (this.pumpScheduled || this.inbox.length === 0) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private onResponse(response: RemotingCommand): void {
    const pending = this.pending.get(response.opaque);
    if (!pending) {
      this.logger.debug('response for an unknown or expired request', {
        remote: this.remoteAddress,
        opaque: response.opaque,
      });
      return;
    }
    this.pending.delete(response.opaque);
    clearTimeout(pending.timer);
    pending.resolve(response);
  }

  private onRequest(request: RemotingCommand): void {
    this.inFlight++;
    this.dispatcher!.dispatch(request, this)
      .then((response) => {
        if (response && !this.closed) this.write(response);
      })
      .catch((err: unknown) => {
        this.logger.error('failed to answer a request', {
          remote: this.remoteAddress,
          requestCode: request.code,
          error: err instanceof Error ? err.message : String(err),
        });
      })
      .finally(() => {
        this.inFlight--;
        if (this.inFlight === 0 && this.inbox.length === 0) this.emit('idle');
        this.schedulePump();
      });
  }

  /** Requests from the peer still being handled. */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox = [];
    this.batcher.clear();
    const error = new ConnectionError(
      `connection to ${this.remoteAddress} closed`,
      this.remoteAddress,
    );
    for (const [opaque, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(opaque);
    }
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
    this.emit('close');
  }
}
