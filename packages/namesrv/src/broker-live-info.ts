import type { DataVersion } from '@rocketnest/protocol';

/**
 * What the name server knows about one registered broker process, RocketMQ's BrokerLiveInfo.
 * `C` is the connection it registered over, opaque to the route table: the name server uses it
 * to drop the broker's routes when that connection closes.
 */
export interface BrokerLiveInfo<C = unknown> {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly brokerAddr: string;
  readonly brokerId: number;
  readonly haServerAddr: string;
  /** Milliseconds since the epoch of the last REGISTER_BROKER or BROKER_HEARTBEAT. */
  lastUpdateTimestamp: number;
  /** The broker is expired when no update arrives for this long. */
  readonly heartbeatTimeoutMillis: number;
  readonly dataVersion: DataVersion;
  readonly channel: C | undefined;
}

/**
 * RocketMQ keys live brokers by (clusterName, brokerAddr) (BrokerAddrInfo): the same address may
 * be reused by another cluster's broker after a redeploy.
 */
export function brokerAddrKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}
