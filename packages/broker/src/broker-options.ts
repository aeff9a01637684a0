import { jsonLogger, type Logger } from '@rocketnest/protocol';
import type { MessageStoreOptions } from '@rocketnest/store';
import { defaultAdvertisedAddress } from './advertised-address';

/** Options of a Broker. Every field but `store.dataDir` has a default (see BROKER_DEFAULTS). */
export interface BrokerOptions {
  /** Interface to bind. Default: all interfaces. */
  host?: string;
  /** Listen port; 0 picks a free one (read it back from `start()` or `port`). Default 10911. */
  port?: number;
  /**
   * The IPv4 address clients reach this broker at: registered with name servers and written as
   * STOREHOST into every record (so offset msgIds, and ali-ons' send-back, point back here).
   * Default: the first non-internal IPv4 address of the machine, else 127.0.0.1.
   */
  advertisedAddress?: string;
  /** Default 'broker-a'. */
  brokerName?: string;
  /** Default 'DefaultCluster'. */
  clusterName?: string;
  /** 0 is the master. Default 0. */
  brokerId?: number;
  /** Name servers ("host:port") to register with. Default none. */
  namesrvAddrs?: string[];
  /** The message store; the broker sets its `storeHost` (advertised address + listen port). */
  store: Omit<MessageStoreOptions, 'storeHost'>;
  /**
   * Create unknown topics on send from the default topic (TBW102) as 4.x clients expect. Default
   * false (RocketMQ's default is true; an embedded dev broker turns it on).
   */
  autoCreateTopicEnable?: boolean;
  /** Queues of an auto-created topic (capped by the producer's own default). Default 8. */
  defaultTopicQueueNums?: number;
  /** Largest message body accepted, in bytes. Default 4 MiB. Also the store's limit. */
  maxMessageSize?: number;
  /** Hold pulls that find nothing until a message arrives. Default true. */
  longPollingEnable?: boolean;
  /** Hold time when long polling is off. Default 1000 ms. */
  shortPollingTimeMs?: number;
  /** Upper bound of a pull's `suspendTimeoutMillis`. Default 30000 ms. */
  maxSuspendTimeoutMs?: number;
  /** How often the broker re-registers with its name servers. Default 30000 ms. */
  registerPeriodMs?: number;
  /** Timeout of one REGISTER_BROKER / UNREGISTER_BROKER call. Default 6000 ms. */
  registerTimeoutMs?: number;
  /** A client that has not sent a heartbeat for this long is disconnected. Default 120000 ms. */
  clientExpiryMs?: number;
  /** How often expired clients are looked for. Default 10000 ms. */
  clientScanIntervalMs?: number;
  /** Redeliveries before a message goes to the DLQ, when the client does not say. Default 16. */
  maxReconsumeTimes?: number;
  /** A queue lock (orderly consumption) not renewed for this long is free again. Default 60000 ms. */
  rebalanceLockExpiryMs?: number;
  /** Timeout of requests the broker sends to clients (reply push). Default 3000 ms. */
  clientRequestTimeoutMs?: number;
  /** Also store reply messages in the reply topic (RocketMQ: storeReplyMessageEnable). Default false. */
  storeReplyMessage?: boolean;
  /** Sent back as MSG_REGION on sends. Default 'DefaultRegion'. */
  regionId?: string;
  /** Sent back as TRACE_ON on sends. Default true. */
  traceOn?: boolean;
  /**
   * Share of the machine's memory treated as "page cache": a new group's QUERY_CONSUMER_OFFSET
   * starts at 0 only while offset 0 is still that close to the log's end. Default 0.4.
   */
  accessMessageInMemoryMaxRatio?: number;
  /** Largest request frame accepted. Default 16 MiB. */
  maxFrameSize?: number;
  /** How long close() lets in-flight requests finish. Default 5000 ms. */
  closeGraceMs?: number;
  /** Default: JSON lines on stderr at level info, logger name "broker". */
  logger?: Logger;
  /**
   * Serve Prometheus metrics at `http://<metricsHost>:<metricsPort>/metrics`; 0 picks a free port
   * (read it back from `metricsPort` after start). Default: not served.
   */
  metricsPort?: number;
  /** Interface the metrics endpoint binds. Default: `host` (all interfaces when that is unset). */
  metricsHost?: string;
}

export const BROKER_DEFAULTS = {
  port: 10911,
  brokerName: 'broker-a',
  clusterName: 'DefaultCluster',
  brokerId: 0,
  autoCreateTopicEnable: false,
  defaultTopicQueueNums: 8,
  maxMessageSize: 4 * 1024 * 1024,
  longPollingEnable: true,
  shortPollingTimeMs: 1000,
  maxSuspendTimeoutMs: 30_000,
  registerPeriodMs: 30_000,
  registerTimeoutMs: 6000,
  clientExpiryMs: 120_000,
  clientScanIntervalMs: 10_000,
  maxReconsumeTimes: 16,
  rebalanceLockExpiryMs: 60_000,
  clientRequestTimeoutMs: 3000,
  storeReplyMessage: false,
  regionId: 'DefaultRegion',
  traceOn: true,
  accessMessageInMemoryMaxRatio: 0.4,
  maxFrameSize: 16 * 1024 * 1024,
  closeGraceMs: 5000,
} as const;

type UnsetByDefault = 'host' | 'metricsPort' | 'metricsHost';
export type BrokerConfig = Required<Omit<BrokerOptions, UnsetByDefault>> &
  Pick<BrokerOptions, UnsetByDefault>;

export function resolveBrokerOptions(options: BrokerOptions): BrokerConfig {
  const defined = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as BrokerOptions;
  return {
    ...BROKER_DEFAULTS,
    namesrvAddrs: [],
    advertisedAddress: defaultAdvertisedAddress(),
    logger: jsonLogger('broker'),
    ...defined,
    store: options.store,
  };
}
