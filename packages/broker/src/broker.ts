import { createServer, type Server } from 'node:http';
import { isIPv4, type AddressInfo } from 'node:net';
import {
  RemotingServer,
  formatHostPort,
  type Logger,
  type RemotingConnection,
  type SocketAddress,
} from '@rocketnest/protocol';
import { MessageStore } from '@rocketnest/store';
import type { BrokerContext, BrokerStats } from './broker-context';
import { resolveBrokerOptions, type BrokerConfig, type BrokerOptions } from './broker-options';
import { Broker2Client } from './client/broker2client';
import { ClientHousekeepingService } from './client/client-housekeeping-service';
import { ConsumerManager } from './client/consumer-manager';
import { ProducerManager } from './client/producer-manager';
import { RebalanceLockManager } from './client/rebalance-lock-manager';
import { PullRequestHoldService } from './longpolling/pull-request-hold-service';
import { renderConsole } from './http/console';
import { BrokerMetrics } from './metrics/broker-metrics';
import { BrokerOuterAPI, type BrokerIdentity } from './out/broker-outer-api';
import { AdminBrokerProcessor } from './processor/admin-broker-processor';
import { AdminOffsetProcessor } from './processor/admin-offset-processor';
import { AdminStatsProcessor } from './processor/admin-stats-processor';
import { ClientManageProcessor } from './processor/client-manage-processor';
import { ConsumerManageProcessor } from './processor/consumer-manage-processor';
import { ConsumerSendMsgBackProcessor } from './processor/consumer-send-msg-back-processor';
import { LockBatchMqProcessor } from './processor/lock-batch-mq-processor';
import { PullMessageProcessor } from './processor/pull-message-processor';
import { QueryMessageProcessor } from './processor/query-message-processor';
import { ReplyMessageProcessor } from './processor/reply-message-processor';
import { SendMessageProcessor } from './processor/send-message-processor';
import { TopicConfigManager } from './topic/topic-config-manager';

/** What a started broker is made of; absent before start() and after close(). */
interface Running {
  context: BrokerContext;
  /** The metrics endpoint, when `metricsPort` is set. */
  metricsServer?: Server;
  housekeeping: ClientHousekeepingService;
  outerApi: BrokerOuterAPI;
  identity: BrokerIdentity;
  registerTimer?: NodeJS.Timeout;
}

/**
 * An Apache RocketMQ remoting-compatible broker over a MessageStore (RocketMQ's
 * BrokerController): serves producers, consumers and admin tools on one port and registers its
 * topics with the configured name servers.
 *
 * ```ts
 * const broker = new Broker({ namesrvAddrs: ['127.0.0.1:9876'], store: { dataDir: './data' } });
 * await broker.start();
 * // ...
 * await broker.close();
 * ```
 */
export class Broker {
  readonly config: BrokerConfig;
  private readonly logger: Logger;
  private readonly server: RemotingServer;
  private running: Running | undefined;
  private shuttingDown = false;
  private closed = false;
  private registration: { counter: number; done: Promise<void> } | undefined;
  private queuedRegistration: Promise<void> | undefined;

  constructor(options: BrokerOptions) {
    this.config = resolveBrokerOptions(options);
    this.logger = this.config.logger;
    if (!isIPv4(this.config.advertisedAddress)) {
      // Records carry STOREHOST and ali-ons decodes IPv4 hosts only.
      throw new Error(
        `advertisedAddress must be an IPv4 address, got "${this.config.advertisedAddress}"`,
      );
    }
    this.server = new RemotingServer({
      host: this.config.host,
      port: this.config.port,
      maxFrameSize: this.config.maxFrameSize,
      logger: this.logger,
    });
  }

  /**
   * Opens the store (STOREHOST = advertised address + listen port), starts serving and registers
   * with the name servers (one being down is logged, not fatal). Resolves with the listen port.
   */
  async start(): Promise<number> {
    if (this.running) throw new Error('broker is already started');
    if (this.closed) throw new Error('a closed broker cannot be started again; create a new one');
    // With port 0 the port is only known once bound; nobody can connect before start() returns.
    let port = this.config.port;
    if (port === 0) port = (await this.server.listen()).port;
    const storeHost = { address: this.config.advertisedAddress, port };
    let store: MessageStore;
    try {
      store = await MessageStore.open({
        logger: this.logger,
        ...this.config.store,
        maxMessageSize: this.config.maxMessageSize,
        storeHost,
      });
    } catch (err) {
      this.closed = true;
      await this.server.close(0);
      throw err;
    }
    const running = this.assemble(store, storeHost);
    try {
      if (this.config.port !== 0) await this.server.listen();
      const { metrics } = running.context;
      if (metrics) running.metricsServer = await this.serveMetrics(running.context, metrics);
    } catch (err) {
      // Processors are registered on the server: this instance is spent, as after close().
      this.closed = true;
      await this.server.close(0);
      await store.close();
      await running.outerApi.close();
      throw err;
    }
    this.running = running;
    running.housekeeping.start(this.config.clientScanIntervalMs);
    running.registerTimer = setInterval(
      () => void this.registerBrokerAll(),
      this.config.registerPeriodMs,
    );
    running.registerTimer.unref();
    await this.registerBrokerAll();
    this.logger.info('broker started', {
      brokerName: this.config.brokerName,
      clusterName: this.config.clusterName,
      brokerAddr: running.identity.brokerAddr,
      namesrvAddrs: this.config.namesrvAddrs,
      dataDir: this.config.store.dataDir,
    });
    return port;
  }

  /** Starts the HTTP server of `/metrics` and the read-only console on metricsHost:metricsPort. */
  private async serveMetrics(context: BrokerContext, metrics: BrokerMetrics): Promise<Server> {
    const server = createServer((req, res) => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://broker');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed request target\n');
        return;
      }
      const fail = (err: unknown) => {
        this.logger.error('http request failed', { path: url.pathname, error: String(err) });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${String(err)}\n`);
      };
      if (req.method !== 'GET') {
        res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET' }).end('only GET\n');
        return;
      }
      if (url.pathname === '/metrics') {
        metrics
          .metrics()
          .then(
            (text) =>
              res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
            fail,
          );
        return;
      }
      renderConsole(context, url.pathname, url.searchParams).then((page) => {
        if (!page) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found: GET /metrics, or / for the console\n');
          return;
        }
        res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8' }).end(page.html);
      }, fail);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort, this.config.metricsHost ?? this.config.host, () => {
        server.off('error', reject);
        // Later errors (EMFILE on accept, say) are logged: the endpoint must not stop the broker.
        server.on('error', (err) =>
          this.logger.error('metrics endpoint error', { error: String(err) }),
        );
        resolve();
      });
    });
    this.logger.info('metrics served', { port: (server.address() as AddressInfo).port });
    return server;
  }

  /** Builds the services and processors around an open store. */
  private assemble(store: MessageStore, storeHost: SocketAddress): Running {
    const { config, logger } = this;
    const broker2client = new Broker2Client(logger, config.clientRequestTimeoutMs);
    const holds = new PullRequestHoldService();
    const consumers = new ConsumerManager((group, members) => {
      for (const member of members) broker2client.notifyConsumerIdsChanged(member, group);
    });
    const producers = new ProducerManager();
    const topics = new TopicConfigManager(store.topics, {
      clusterName: config.clusterName,
      brokerName: config.brokerName,
      autoCreateTopicEnable: config.autoCreateTopicEnable,
      defaultTopicQueueNums: config.defaultTopicQueueNums,
      scheduleQueueNums: store.delayLevelsMs.length + 1,
      logger,
    });
    topics.installSystemTopics();
    topics.onChange(() => void this.registerBrokerAll());
    const brokerAddr = formatHostPort(storeHost);
    const stats: BrokerStats = { bootTimestamp: Date.now(), msgPutTotal: 0, msgGetTotal: 0 };
    const metrics = config.metricsPort !== undefined ? new BrokerMetrics() : undefined;
    const context: BrokerContext = {
      config,
      logger,
      store,
      topics,
      consumers,
      producers,
      locks: new RebalanceLockManager(config.rebalanceLockExpiryMs),
      holds,
      broker2client,
      stats,
      metrics,
      storeHost,
      brokerAddr,
      isShuttingDown: () => this.shuttingDown,
      registerBrokerAll: () => this.registerBrokerAll(),
    };
    store.onArrival((event) => {
      try {
        holds.notifyMessageArriving(event);
      } catch (err) {
        logger.error('waking held pulls failed', { error: String(err) });
      }
    });
    for (const processor of [
      new SendMessageProcessor(context),
      new ConsumerSendMsgBackProcessor(context),
      new PullMessageProcessor(context),
      new ConsumerManageProcessor(context),
      new ClientManageProcessor(context),
      new AdminBrokerProcessor(context),
      new AdminStatsProcessor(context),
      new AdminOffsetProcessor(context),
      new LockBatchMqProcessor(context),
      new QueryMessageProcessor(context),
      new ReplyMessageProcessor(context),
    ]) {
      processor.registerTo(this.server);
    }
    const housekeeping = new ClientHousekeepingService(
      consumers,
      producers,
      holds,
      config.clientExpiryMs,
      logger,
    );
    this.server.on('disconnect', (conn: RemotingConnection) => housekeeping.onDisconnect(conn));
    metrics?.attach({
      store,
      topics,
      consumers,
      connections: () => this.server.connectionCount,
      heldPulls: () => holds.size,
    });
    return {
      context,
      housekeeping,
      outerApi: new BrokerOuterAPI(config.namesrvAddrs, config.registerTimeoutMs, logger),
      identity: {
        clusterName: config.clusterName,
        brokerName: config.brokerName,
        brokerAddr,
        brokerId: config.brokerId,
        haServerAddr: `${storeHost.address}:${storeHost.port + 1}`,
      },
    };
  }

  /**
   * Stops the broker: unregisters from the name servers, answers held pulls, lets requests in
   * flight finish (up to closeGraceMs), closes connections and then the store (flushed).
   */
  async close(): Promise<void> {
    const running = this.running;
    if (!running || this.shuttingDown) return;
    this.shuttingDown = true;
    this.closed = true;
    clearInterval(running.registerTimer);
    running.housekeeping.stop();
    await this.registration?.done;
    await running.outerApi.unregisterBrokerAll(running.identity);
    running.context.holds.shutdown();
    await this.server.close(this.config.closeGraceMs);
    await closeHttpServer(running.metricsServer);
    running.context.metrics?.detach();
    await running.context.store.close();
    await running.outerApi.close();
    this.running = undefined;
    this.logger.info('broker stopped', { brokerName: this.config.brokerName });
  }

  /**
   * Registers with every name server. Calls made while a registration is running share it when it
   * already carries the current topic configs, else run once more after it.
   */
  registerBrokerAll(): Promise<void> {
    const running = this.running;
    if (!running || this.shuttingDown || this.config.namesrvAddrs.length === 0) {
      return Promise.resolve();
    }
    const { topics } = running.context;
    const current = this.registration;
    if (!current) {
      const dataVersion = topics.dataVersion;
      const done = running.outerApi
        .registerBrokerAll(running.identity, { topics: topics.all(), dataVersion })
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          this.registration = undefined;
        });
      this.registration = { counter: dataVersion.counter, done };
      return done;
    }
    if (current.counter >= topics.dataVersion.counter) return current.done;
    this.queuedRegistration ??= current.done.then(() => {
      this.queuedRegistration = undefined;
      return this.registerBrokerAll();
    });
    return this.queuedRegistration;
  }

  /** The port of the metrics endpoint (after start), or undefined when it is not served. */
  get metricsPort(): number | undefined {
    const address = this.running?.metricsServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** The listen port (after start). */
  get port(): number {
    return this.server.address().port;
  }

  /** The IPv4 address clients reach this broker at (option, or the machine's default). */
  get advertisedAddress(): string {
    return this.config.advertisedAddress;
  }

  /** "ip:port" clients use: registered with name servers and written as STOREHOST. */
  get brokerAddr(): string {
    return this.context.brokerAddr;
  }

  /** The open store (after start), for embedding and tests. */
  get store(): MessageStore {
    return this.context.store;
  }

  /** Pull requests being held by long polling. */
  get heldPullRequests(): number {
    return this.running?.context.holds.size ?? 0;
  }

  /** Runs the client expiry scan now; returns how many clients were evicted. */
  scanNotActiveClients(now?: number): number {
    return this.running?.housekeeping.scanNotActiveChannels(now) ?? 0;
  }

  private get context(): BrokerContext {
    if (!this.running) throw new Error('broker is not started');
    return this.running.context;
  }
}

function closeHttpServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
