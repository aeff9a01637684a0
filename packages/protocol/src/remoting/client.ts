import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { ConnectionError } from '../errors';
import type { RemotingCommand, SerializeType } from '../command/remoting-command';
import { parseHostPort } from '../message/socket-address';
import { RemotingConnection, type ConnectionOptions } from './connection';
import { RequestDispatcher, type RequestHandler } from './dispatcher';
import { silentLogger, type Logger } from './logger';

export interface RemotingClientOptions extends ConnectionOptions {
  /**
   * Header serialization of the requests this client sends (responses always mirror the
   * request). Default: each request's own (createRequest makes JSON). Every RocketMQ 4.x/5.x
   * server reads both.
   */
  serializeType?: SerializeType;
  connectTimeoutMs?: number;
  /** Default per-request timeout. */
  requestTimeoutMs?: number;
  logger?: Logger;
}

/**
 * A remoting client: one connection per "host:port", opened on first use and reopened after it
 * closes. Requests the server sends back on the same connection (NOTIFY_CONSUMER_IDS_CHANGED,
 * PUSH_REPLY_MESSAGE_TO_CLIENT, ...) go to processors registered here.
 *
 * Events: `disconnect` (address).
 */
export class RemotingClient extends EventEmitter {
  private readonly connections = new Map<string, Promise<RemotingConnection>>();
  /** The connections of `connections` that are established. */
  private readonly established = new Map<string, RemotingConnection>();
  private readonly dispatcher: RequestDispatcher;
  private readonly logger: Logger;
  private closed = false;

  constructor(private readonly options: RemotingClientOptions = {}) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.dispatcher = new RequestDispatcher(this.logger);
  }

  registerProcessor(code: number, handler: RequestHandler): this {
    this.dispatcher.register(code, handler);
    return this;
  }

  invoke(address: string, request: RemotingCommand, timeoutMs?: number): Promise<RemotingCommand> {
    if (this.options.serializeType !== undefined)
      request.serializeType = this.options.serializeType;
    const timeout = timeoutMs ?? this.options.requestTimeoutMs ?? 3000;
    // An open connection is used at once; only a first request waits for the connect.
    const open = this.established.get(address);
    if (open && !open.isClosed) return open.invoke(request, timeout);
    return this.connection(address).then((conn) => conn.invoke(request, timeout));
  }

  async invokeOneway(address: string, request: RemotingCommand): Promise<void> {
    if (this.options.serializeType !== undefined)
      request.serializeType = this.options.serializeType;
    const conn = await this.connection(address);
    await conn.invokeOneway(request);
  }

  /** The open connection to `address`, connecting if there is none. */
  connection(address: string): Promise<RemotingConnection> {
    if (this.closed) return Promise.reject(new ConnectionError('client is closed', address));
    const existing = this.connections.get(address);
    if (existing) return existing;
    const forget = () => {
      if (this.connections.get(address) !== opened) return;
      this.connections.delete(address);
      this.established.delete(address);
    };
    const opened = this.open(address, forget);
    this.connections.set(address, opened);
    opened.then((conn) => {
      if (this.connections.get(address) === opened && !conn.isClosed)
        this.established.set(address, conn);
    }, forget);
    return opened;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    this.established.clear();
    const settled = await Promise.allSettled(all);
    for (const s of settled) if (s.status === 'fulfilled') s.value.close();
  }

  private open(address: string, onClose: () => void): Promise<RemotingConnection> {
    const { address: host, port } = parseHostPort(address);
    const timeoutMs = this.options.connectTimeoutMs ?? 3000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new ConnectionError(`connect to ${address} timed out after ${timeoutMs} ms`, address),
        );
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new ConnectionError(`cannot connect to ${address}: ${err.message}`, address));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        const conn = new RemotingConnection(socket, this.dispatcher, this.logger, this.options);
        conn.on('close', () => {
          onClose();
          this.emit('disconnect', address);
        });
        resolve(conn);
      });
    });
  }
}
