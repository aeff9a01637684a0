import { networkInterfaces } from 'node:os';
import {
  GetRouteInfoRequestHeader,
  Perm,
  RemotingClient,
  RequestCode,
  SerializeType,
  ResponseCode,
  UnregisterClientRequestHeader,
  createRequest,
  decodeJsonBody,
  encodeJsonBody,
  silentLogger,
  type ConsumerData,
  type HeartbeatData,
  type Logger,
  type MessageQueue,
  type RemotingCommand,
  type RequestHandler,
  type TopicRouteData,
} from '@rocketnest/protocol';
import { MQClientError } from './errors';
import { compareQueues } from './message';
import { every } from './periodic';
import { invoke, invokeOk, isNetworkError } from './remote';

export interface ClientOptions {
  /** Name server addresses: "host:port", "a:9876;b:9876" or an array. */
  nameServer: string | string[];
  /** Distinguishes clients in one process; default "<pid>#<hrtime>" as Java's. */
  instanceName?: string;
  /** Timeout of one request (ms). Default 3000. */
  requestTimeoutMs?: number;
  /** Route refresh period (ms). Default 30000. */
  pollNameServerIntervalMs?: number;
  /** Heartbeat period to every broker (ms). Default 30000. */
  heartbeatIntervalMs?: number;
  /**
   * Header serialization of requests: 'JSON' (default, what every RocketMQ client sends) or
   * 'ROCKETMQ' (binary; read by every RocketMQ 4.x/5.x server; slower than JSON in this
   * implementation today).
   */
  serializeType?: 'ROCKETMQ' | 'JSON';
  logger?: Logger;
}

/** What a consumer tells the instance so it can heartbeat for it and rebalance it. */
export interface ConsumerRegistration {
  group: string;
  consumerData(): ConsumerData;
  /** Called on NOTIFY_CONSUMER_IDS_CHANGED. */
  rebalanceSoon(): void;
  /** Topics whose routes the instance keeps fresh. */
  topics(): string[];
}

export function localIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) if (nic.family === 'IPv4' && !nic.internal) return nic.address;
  }
  return '127.0.0.1';
}

let instanceSeq = 0;

/**
 * RocketMQ's MQClientInstance: the connections, topic routes (fetched from the name server,
 * refreshed periodically), heartbeats to every broker, and the broker-to-client requests of
 * one producer or consumer.
 */
export class ClientInstance {
  readonly clientId: string;
  readonly remoting: RemotingClient;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  private readonly nameServers: string[];
  private nameServerIndex = 0;
  private readonly routes = new Map<string, TopicRouteData>();
  /** brokerName -> brokerId -> address. */
  private readonly brokerAddrs = new Map<string, Record<string, string>>();
  private readonly heartbeatSent = new Set<string>();
  private readonly producerGroups = new Set<string>();
  private readonly consumers = new Map<string, ConsumerRegistration>();
  private timers: NodeJS.Timeout[] = [];
  private started = false;

  constructor(private readonly options: ClientOptions) {
    const ns = options.nameServer;
    this.nameServers = (Array.isArray(ns) ? ns : ns.split(';'))
      .map((a) => a.trim())
      .filter(Boolean);
    if (this.nameServers.length === 0) throw new MQClientError('no name server address given');
    this.logger = options.logger ?? silentLogger;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 3000;
    const instance =
      options.instanceName ?? `${process.pid}#${process.hrtime.bigint()}${++instanceSeq}`;
    this.clientId = `${localIPv4()}@${instance}`;
    this.remoting = new RemotingClient({
      requestTimeoutMs: this.requestTimeoutMs,
      serializeType: SerializeType[options.serializeType ?? 'JSON'],
      logger: this.logger,
    });
  }

  registerProcessor(code: number, handler: RequestHandler): void {
    this.remoting.registerProcessor(code, handler);
  }

  addProducer(group: string): void {
    this.producerGroups.add(group);
  }

  addConsumer(registration: ConsumerRegistration): void {
    if (this.consumers.has(registration.group)) {
      throw new MQClientError(`consumer group ${registration.group} is already registered`);
    }
    this.consumers.set(registration.group, registration);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.remoting.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      const group = req.extFields?.consumerGroup;
      const consumer = group ? this.consumers.get(group) : undefined;
      consumer?.rebalanceSoon();
    });
    this.timers.push(
      every(
        this.options.pollNameServerIntervalMs ?? 30_000,
        () => this.refreshRoutes(),
        this.logger,
      ),
      every(this.options.heartbeatIntervalMs ?? 30_000, () => this.heartbeatAll(), this.logger),
    );
  }

  /** Unregisters from every broker and closes the connections. */
  async shutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const groups = [
      ...[...this.producerGroups].map((g) => ({ producerGroup: g })),
      ...[...this.consumers.keys()].map((g) => ({ consumerGroup: g })),
    ];
    await Promise.allSettled(
      this.masterAddrs().flatMap((addr) =>
        groups.map((g) =>
          invoke(
            this.remoting,
            addr,
            createRequest(RequestCode.UNREGISTER_CLIENT, {
              extFields: UnregisterClientRequestHeader.encode({ clientID: this.clientId, ...g }),
            }),
            this.requestTimeoutMs,
          ),
        ),
      ),
    );
    await this.remoting.close();
  }

  // ---- routes -------------------------------------------------------------------------

  /** The cached route of `topic`, fetched from the name server when there is none. */
  async route(topic: string): Promise<TopicRouteData> {
    return this.routes.get(topic) ?? this.updateRoute(topic);
  }

  cachedRoute(topic: string): TopicRouteData | undefined {
    return this.routes.get(topic);
  }

  /** Fetches the route of `topic`; TOPIC_NOT_EXIST raises MQClientError with that code. */
  async updateRoute(topic: string): Promise<TopicRouteData> {
    const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {
      extFields: GetRouteInfoRequestHeader.encode({ topic, acceptStandardJsonOnly: true }),
    });
    const response = await this.invokeNameServer(request);
    if (response.code !== ResponseCode.SUCCESS) {
      throw new MQClientError(
        `no route info of topic ${topic} in name server: ${response.remark ?? response.code}`,
        response.code,
      );
    }
    const route = decodeJsonBody<TopicRouteData>(response.body, 'TopicRouteData');
    this.routes.set(topic, route);
    const fresh: string[] = [];
    for (const b of route.brokerDatas) {
      this.brokerAddrs.set(b.brokerName, b.brokerAddrs);
      const master = b.brokerAddrs['0'];
      if (master && !this.heartbeatSent.has(master)) fresh.push(master);
    }
    // A broker must know this client (by its heartbeat) before it routes replies or locks to it.
    await Promise.allSettled(fresh.map((addr) => this.heartbeat(addr)));
    return route;
  }

  async invokeNameServer(request: RemotingCommand): Promise<RemotingCommand> {
    let lastError: unknown;
    for (let i = 0; i < this.nameServers.length; i++) {
      const addr = this.nameServers[(this.nameServerIndex + i) % this.nameServers.length]!;
      try {
        const response = await invoke(this.remoting, addr, request, this.requestTimeoutMs);
        this.nameServerIndex = (this.nameServerIndex + i) % this.nameServers.length;
        return response;
      } catch (err) {
        lastError = err;
        if (!isNetworkError(err)) throw err;
      }
    }
    throw lastError;
  }

  get nameServerAddrs(): readonly string[] {
    return this.nameServers;
  }

  private async refreshRoutes(): Promise<void> {
    const topics = new Set(this.routes.keys());
    for (const c of this.consumers.values()) for (const t of c.topics()) topics.add(t);
    await Promise.allSettled([...topics].map((t) => this.updateRoute(t)));
  }

  /** Master address of `brokerName`, from the routes fetched so far. */
  masterAddr(brokerName: string): string | undefined {
    return this.brokerAddrs.get(brokerName)?.['0'];
  }

  async requireMasterAddr(brokerName: string, topic: string): Promise<string> {
    let addr = this.masterAddr(brokerName);
    if (!addr) {
      await this.updateRoute(topic).catch(() => undefined);
      addr = this.masterAddr(brokerName);
    }
    if (!addr) {
      throw new MQClientError(
        `the broker ${brokerName} of topic ${topic} has no master`,
        ResponseCode.SERVICE_NOT_AVAILABLE,
      );
    }
    return addr;
  }

  masterAddrs(): string[] {
    const out: string[] = [];
    for (const addrs of this.brokerAddrs.values()) if (addrs['0']) out.push(addrs['0']);
    return out;
  }

  // ---- heartbeats ---------------------------------------------------------------------

  heartbeatData(): HeartbeatData {
    return {
      clientID: this.clientId,
      producerDataSet: [...this.producerGroups].map((groupName) => ({ groupName })),
      consumerDataSet: [...this.consumers.values()].map((c) => c.consumerData()),
    };
  }

  async heartbeat(addr: string): Promise<void> {
    const request = createRequest(RequestCode.HEART_BEAT, {
      body: encodeJsonBody(this.heartbeatData()),
    });
    await invokeOk(this.remoting, addr, request, this.requestTimeoutMs);
    this.heartbeatSent.add(addr);
  }

  async heartbeatAll(): Promise<void> {
    const results = await Promise.allSettled(this.masterAddrs().map((a) => this.heartbeat(a)));
    for (const r of results) {
      if (r.status === 'rejected') this.logger.warn('heartbeat failed', { err: String(r.reason) });
    }
  }
}

/** Queues a consumer reads: every readable queue of every broker with a master. */
export function subscribeQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const out: MessageQueue[] = [];
  for (const q of route.queueDatas) {
    if ((q.perm & Perm.READ) === 0) continue;
    for (let i = 0; i < q.readQueueNums; i++)
      out.push({ topic, brokerName: q.brokerName, queueId: i });
  }
  return out.sort(compareQueues);
}

/** Queues a producer writes: every writable queue of every broker with a master. */
export function publishQueues(topic: string, route: TopicRouteData): MessageQueue[] {
  const masters = new Set(
    route.brokerDatas.filter((b) => b.brokerAddrs['0']).map((b) => b.brokerName),
  );
  const out: MessageQueue[] = [];
  const queueDatas = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1));
  for (const q of queueDatas) {
    if ((q.perm & Perm.WRITE) === 0 || !masters.has(q.brokerName)) continue;
    for (let i = 0; i < q.writeQueueNums; i++)
      out.push({ topic, brokerName: q.brokerName, queueId: i });
  }
  return out;
}
