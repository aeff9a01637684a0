import type { AddressInfo } from 'node:net';
import { RemotingServer, type Logger, type RemotingConnection } from '@rocketnest/protocol';
import type { BrokerLiveInfo } from './broker-live-info';
import {
  resolveNameServerOptions,
  type NameServerOptions,
  type ResolvedNameServerOptions,
} from './name-server-options';
import { ClientRequestProcessor } from './processors/client-request-processor';
import { DefaultRequestProcessor } from './processors/default-request-processor';
import { RouteInfoManager } from './route-info-manager';

/**
 * A RocketMQ-compatible name server: brokers register their topics (REGISTER_BROKER every 30 s),
 * producers and consumers ask it where a topic's queues are (GET_ROUTEINFO_BY_TOPIC). Routes
 * live in memory only; brokers rebuild them by registering again after a restart.
 *
 * A broker's routes go when it unregisters, when the connection it registered over closes, or
 * when it has not registered for `brokerExpiryMs` (checked every `scanIntervalMs`).
 */
export class NameServer {
  readonly routes: RouteInfoManager<RemotingConnection>;
  private readonly options: ResolvedNameServerOptions;
  private readonly logger: Logger;
  private readonly server: RemotingServer;
  private scanTimer: NodeJS.Timeout | undefined;
  private listening: AddressInfo | undefined;

  constructor(options: NameServerOptions = {}) {
    this.options = resolveNameServerOptions(options);
    this.logger = this.options.logger;
    this.routes = new RouteInfoManager({
      brokerExpiryMs: this.options.brokerExpiryMs,
      now: this.options.now,
      logger: this.logger,
    });
    this.server = new RemotingServer({
      host: this.options.host,
      port: this.options.port,
      maxFrameSize: this.options.maxFrameSize,
      logger: this.logger,
    });
    new DefaultRequestProcessor(this.routes, this.options.now, this.logger).registerTo(this.server);
    new ClientRequestProcessor(this.routes).registerTo(this.server);
    // RocketMQ's BrokerHousekeepingService: a broker whose connection is gone is gone.
    this.server.on('disconnect', (conn: RemotingConnection) => this.routes.onChannelDestroy(conn));
  }

  /** Starts listening and the expiry scan; resolves with the bound address. */
  async start(): Promise<AddressInfo> {
    if (this.listening) throw new Error('name server is already started');
    this.listening = await this.server.listen();
    this.scanTimer = setInterval(() => this.scanNotActiveBroker(), this.options.scanIntervalMs);
    this.scanTimer.unref();
    this.logger.info('name server started', {
      address: this.listening.address,
      port: this.listening.port,
      brokerExpiryMs: this.options.brokerExpiryMs,
      scanIntervalMs: this.options.scanIntervalMs,
    });
    return this.listening;
  }

  /** Stops the scan and the server; requests being answered get `graceMs` to finish. */
  async close(graceMs?: number): Promise<void> {
    clearInterval(this.scanTimer);
    this.scanTimer = undefined;
    if (!this.listening) return;
    this.listening = undefined;
    await this.server.close(graceMs);
    this.logger.info('name server stopped');
  }

  /** The bound address; throws before `start()`. */
  get address(): AddressInfo {
    if (!this.listening) throw new Error('name server is not started');
    return this.listening;
  }

  get port(): number {
    return this.address.port;
  }

  /** One expiry pass, also run by the timer. Returns the brokers it removed. */
  scanNotActiveBroker(): BrokerLiveInfo<RemotingConnection>[] {
    const expired = this.routes.scanNotActiveBroker();
    // As RocketMQ does: a broker that stopped registering may hold a half-dead connection.
    for (const live of expired) live.channel?.close();
    return expired;
  }
}
