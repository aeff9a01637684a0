import { EventEmitter, once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { RemotingConnection, type ConnectionOptions } from './connection';
import { RequestDispatcher, type RequestHandler } from './dispatcher';
import { silentLogger, type Logger } from './logger';

export interface RemotingServerOptions extends ConnectionOptions {
  /** Interface to bind; default all interfaces. */
  host?: string;
  /** Port to listen on; 0 picks a free one (see `address()`). */
  port?: number;
  logger?: Logger;
}

/**
 * A remoting server: accepts connections, dispatches their requests to handlers registered by
 * request code, and answers unknown codes with REQUEST_CODE_NOT_SUPPORTED.
 *
 * Events: `connection` (conn), `disconnect` (conn), `frameError` (conn, err).
 */
export class RemotingServer extends EventEmitter {
  private readonly dispatcher: RequestDispatcher;
  private readonly connections = new Set<RemotingConnection>();
  private readonly logger: Logger;
  private server: Server | undefined;

  constructor(private readonly options: RemotingServerOptions = {}) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.dispatcher = new RequestDispatcher(this.logger);
  }

  registerProcessor(code: number, handler: RequestHandler): this {
    this.dispatcher.register(code, handler);
    return this;
  }

  async listen(): Promise<AddressInfo> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    server.listen(this.options.port ?? 0, this.options.host);
    await once(server, 'listening');
    return this.address();
  }

  address(): AddressInfo {
    const addr = this.server?.address();
    if (!addr || typeof addr === 'string') throw new Error('server is not listening');
    return addr;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting, lets requests already being handled finish (up to `graceMs`), then closes
   * every connection.
   */
  async close(graceMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = Date.now() + graceMs;
    for (const conn of this.connections) {
      while (conn.requestsInFlight > 0 && !conn.isClosed && Date.now() < deadline) {
        await Promise.race([once(conn, 'idle'), once(conn, 'close'), delay(deadline - Date.now())]);
      }
    }
    for (const conn of this.connections) conn.close();
    await closed;
  }

  private accept(socket: Socket): void {
    const conn = new RemotingConnection(socket, this.dispatcher, this.logger, this.options);
    this.connections.add(conn);
    conn.on('frameError', (err) => this.emit('frameError', conn, err));
    conn.on('close', () => {
      this.connections.delete(conn);
      this.emit('disconnect', conn);
    });
    this.emit('connection', conn);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
