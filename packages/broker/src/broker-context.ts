import type { Logger, SocketAddress } from '@rocketnest/protocol';
import type { MessageStore } from '@rocketnest/store';
import type { BrokerConfig } from './broker-options';
import type { BrokerMetrics } from './metrics/broker-metrics';
import type { Broker2Client } from './client/broker2client';
import type { ConsumerManager } from './client/consumer-manager';
import type { ProducerManager } from './client/producer-manager';
import type { RebalanceLockManager } from './client/rebalance-lock-manager';
import type { PullRequestHoldService } from './longpolling/pull-request-hold-service';
import type { TopicConfigManager } from './topic/topic-config-manager';

/** Counters behind GET_BROKER_RUNTIME_INFO. */
export interface BrokerStats {
  bootTimestamp: number;
  msgPutTotal: number;
  msgGetTotal: number;
}

/** What the request processors share (RocketMQ passes the BrokerController around). */
export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly locks: RebalanceLockManager;
  readonly holds: PullRequestHoldService;
  readonly broker2client: Broker2Client;
  readonly stats: BrokerStats;
  /** Prometheus metrics: present only when they are served (`metricsPort`). */
  readonly metrics: BrokerMetrics | undefined;
  /** The advertised address and listen port: STOREHOST of every record. */
  readonly storeHost: SocketAddress;
  /** "ip:port" clients use for this broker. */
  readonly brokerAddr: string;
  /** True once close() began: pulls are no longer held. */
  isShuttingDown(): boolean;
  /** Registers with every name server now; resolves when all answered or failed. */
  registerBrokerAll(): Promise<void>;
}
