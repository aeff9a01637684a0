import type { RemotingConnection } from '@rocketnest/protocol';
import { expiredConnections, type ClientChannelInfo } from './client-channel-info';

/**
 * Producer groups known from heartbeats (RocketMQ's ProducerManager). Its main use is finding a
 * client's connection by client id, to push request-reply answers to the requester.
 */
export class ProducerManager {
  private readonly groups = new Map<string, Map<RemotingConnection, ClientChannelInfo>>();

  register(group: string, member: ClientChannelInfo): void {
    let channels = this.groups.get(group);
    if (!channels) this.groups.set(group, (channels = new Map()));
    const existing = channels.get(member.connection);
    if (existing && existing.clientId === member.clientId) existing.lastUpdate = member.lastUpdate;
    else channels.set(member.connection, member);
  }

  unregister(group: string, connection: RemotingConnection): void {
    const channels = this.groups.get(group);
    if (channels?.delete(connection) && channels.size === 0) this.groups.delete(group);
  }

  removeConnection(connection: RemotingConnection): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, connection);
  }

  expired(now: number, expiryMs: number): RemotingConnection[] {
    const out = new Set<RemotingConnection>();
    for (const channels of this.groups.values()) {
      for (const conn of expiredConnections(channels.values(), now, expiryMs)) out.add(conn);
    }
    return [...out];
  }

  /** The open connection of the client with this id (ProducerManager.findChannel). */
  findConnection(clientId: string): RemotingConnection | undefined {
    for (const channels of this.groups.values()) {
      for (const info of channels.values()) {
        if (info.clientId === clientId && !info.connection.isClosed) return info.connection;
      }
    }
    return undefined;
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }
}
