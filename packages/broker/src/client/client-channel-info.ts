import type { RemotingConnection } from '@rocketnest/protocol';

/** One client connection as a group member (RocketMQ's ClientChannelInfo). */
export interface ClientChannelInfo {
  connection: RemotingConnection;
  clientId: string;
  language: string;
  version: number;
  /** When its last heartbeat arrived (ms). */
  lastUpdate: number;
}

/** The connections of `members` whose last heartbeat is older than `expiryMs`. */
export function expiredConnections(
  members: Iterable<ClientChannelInfo>,
  now: number,
  expiryMs: number,
): RemotingConnection[] {
  const out: RemotingConnection[] = [];
  for (const info of members) if (now - info.lastUpdate > expiryMs) out.push(info.connection);
  return out;
}
