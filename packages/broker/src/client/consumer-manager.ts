import type {
  ConsumeFromWhere,
  ConsumeType,
  MessageModel,
  RemotingConnection,
  SubscriptionData,
} from '@rocketnest/protocol';
import { expiredConnections, type ClientChannelInfo } from './client-channel-info';

/** The members and subscriptions of one consumer group (RocketMQ's ConsumerGroupInfo). */
export interface ConsumerGroupInfo {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  readonly channels: Map<RemotingConnection, ClientChannelInfo>;
  /** topic -> the group's subscription, as its latest heartbeat described it. */
  readonly subscriptions: Map<string, SubscriptionData>;
}

export interface ConsumerRegistration {
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptions: SubscriptionData[];
}

/** Called when a group's members or subscribed topics change, with its remaining members. */
export type ConsumerIdsChangeListener = (group: string, members: RemotingConnection[]) => void;

/**
 * Consumer groups known from heartbeats (RocketMQ's ConsumerManager). A group exists while it has
 * at least one member connection; a change of members or of subscribed topics is reported to
 * the listener, which notifies every member so they rebalance at once.
 */
export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();

  constructor(private readonly onIdsChanged: ConsumerIdsChangeListener) {}

  /** Registers or refreshes a member; returns whether the group changed. */
  register(group: string, member: ClientChannelInfo, data: ConsumerRegistration): boolean {
    let info = this.groups.get(group);
    if (!info) {
      info = {
        groupName: group,
        consumeType: data.consumeType,
        messageModel: data.messageModel,
        consumeFromWhere: data.consumeFromWhere,
        channels: new Map(),
        subscriptions: new Map(),
      };
      this.groups.set(group, info);
    }
    info.consumeType = data.consumeType;
    info.messageModel = data.messageModel;
    info.consumeFromWhere = data.consumeFromWhere;
    const existing = info.channels.get(member.connection);
    const membersChanged = !existing || existing.clientId !== member.clientId;
    if (existing && !membersChanged) existing.lastUpdate = member.lastUpdate;
    else info.channels.set(member.connection, member);
    const subscriptionsChanged = updateSubscriptions(info.subscriptions, data.subscriptions);
    const changed = membersChanged || subscriptionsChanged;
    if (changed) this.onIdsChanged(group, [...info.channels.keys()]);
    return changed;
  }

  /** UNREGISTER_CLIENT for a consumer group. */
  unregister(group: string, connection: RemotingConnection): void {
    const info = this.groups.get(group);
    if (info?.channels.delete(connection)) this.afterRemoval(info);
  }

  /** A client connection closed (or was evicted): it leaves every group it was in. */
  removeConnection(connection: RemotingConnection): void {
    for (const info of [...this.groups.values()]) {
      if (info.channels.delete(connection)) this.afterRemoval(info);
    }
  }

  /** Connections whose last heartbeat to any group is older than `expiryMs`. */
  expired(now: number, expiryMs: number): RemotingConnection[] {
    const out = new Set<RemotingConnection>();
    for (const info of this.groups.values()) {
      for (const conn of expiredConnections(info.channels.values(), now, expiryMs)) out.add(conn);
    }
    return [...out];
  }

  group(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  clientIds(group: string): string[] {
    const info = this.groups.get(group);
    return info ? [...info.channels.values()].map((c) => c.clientId) : [];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  private afterRemoval(info: ConsumerGroupInfo): void {
    if (info.channels.size === 0) this.groups.delete(info.groupName);
    this.onIdsChanged(info.groupName, [...info.channels.keys()]);
  }
}

/**
 * ConsumerGroupInfo.updateSubscription: a newer subVersion replaces a topic's subscription; the
 * group counts as changed when a topic is added or dropped, or its expression changes.
 */
function updateSubscriptions(
  table: Map<string, SubscriptionData>,
  incoming: SubscriptionData[],
): boolean {
  let changed = false;
  const topics = new Set<string>();
  for (const sub of incoming) {
    topics.add(sub.topic);
    const old = table.get(sub.topic);
    if (!old) {
      table.set(sub.topic, sub);
      changed = true;
    } else if (sub.subVersion > old.subVersion) {
      if (sub.subString !== old.subString) changed = true;
      table.set(sub.topic, sub);
    }
  }
  for (const topic of [...table.keys()]) {
    if (!topics.has(topic)) {
      table.delete(topic);
      changed = true;
    }
  }
  return changed;
}
