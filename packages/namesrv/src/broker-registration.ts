import type { DataVersion, TopicConfig } from '@rocketnest/protocol';

/** One REGISTER_BROKER request, decoded: the header plus the body's topic configs. */
export interface BrokerRegistration<C = unknown> {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  /** 0 is the master (MixAll.MASTER_ID); slaves have ids above 0. */
  brokerId: number;
  haServerAddr: string;
  /** The broker's own expiry (RocketMQ 5.x header `heartbeatTimeoutMillis`); else the default. */
  heartbeatTimeoutMillis?: number;
  topicConfigTable: Record<string, TopicConfig>;
  dataVersion: DataVersion;
  channel?: C;
}

/** RocketMQ's RegisterBrokerResult: where a slave finds its master. */
export interface RegisterBrokerResult {
  masterAddr?: string;
  haServerAddr?: string;
}

/** UNREGISTER_BROKER's header, and what an expired or disconnected broker is removed by. */
export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
}
