import {
  silentLogger,
  type BrokerData,
  type ClusterInfo,
  type DataVersion,
  type Logger,
  type QueueData,
  type TopicConfig,
  type TopicList,
  type TopicRouteData,
} from '@rocketnest/protocol';
import { brokerAddrKey, type BrokerLiveInfo } from './broker-live-info';
import type {
  BrokerIdentity,
  BrokerRegistration,
  RegisterBrokerResult,
} from './broker-registration';
import { dataVersionEquals } from './data-version';

/** MixAll.MASTER_ID: the broker id of a master; slaves have larger ids. */
export const MASTER_ID = 0;

/** RocketMQ's DEFAULT_BROKER_CHANNEL_EXPIRED_TIME: two minutes without registration. */
export const DEFAULT_BROKER_EXPIRY_MS = 120_000;

export interface RouteInfoManagerOptions {
  /** Expiry of brokers that do not announce their own `heartbeatTimeoutMillis`. */
  brokerExpiryMs?: number;
  /** The clock expiry is measured with; injectable so expiry is testable without waiting. */
  now?: () => number;
  logger?: Logger;
}

/** BrokerData with ids as numbers; turned into the wire's string-keyed map on the way out. */
interface BrokerEntry {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
}

/**
 * The name server's route tables, after RocketMQ's RouteInfoManager: which brokers make up each
 * cluster, the addresses of each broker group (master and slaves), the queues each broker serves
 * per topic, and when each broker last registered. Pure state: no timers and no sockets, so the
 * NameServer drives expiry and connection loss through `scanNotActiveBroker` and
 * `onChannelDestroy`. `C` is the connection type the NameServer tracks brokers by.
 */
export class RouteInfoManager<C = unknown> {
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerAddrTable = new Map<string, BrokerEntry>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo<C>>();
  private readonly brokerExpiryMs: number;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(options: RouteInfoManagerOptions = {}) {
    this.brokerExpiryMs = options.brokerExpiryMs ?? DEFAULT_BROKER_EXPIRY_MS;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
  }

  registerBroker(registration: BrokerRegistration<C>): RegisterBrokerResult {
    const { clusterName, brokerName, brokerAddr, brokerId } = registration;
    addToSet(this.clusterAddrTable, clusterName, brokerName);

    let broker = this.brokerAddrTable.get(brokerName);
    let registerFirst = false;
    if (!broker) {
      registerFirst = true;
      broker = { cluster: clusterName, brokerName, brokerAddrs: new Map() };
      this.brokerAddrTable.set(brokerName, broker);
    }
    // One address holds one role: a slave promoted to master re-registers its address as id 0.
    for (const [id, addr] of broker.brokerAddrs) {
      if (addr === brokerAddr && id !== brokerId) broker.brokerAddrs.delete(id);
    }
    const oldAddr = broker.brokerAddrs.get(brokerId);
    broker.brokerAddrs.set(brokerId, brokerAddr);
    registerFirst ||= !oldAddr;

    // Only masters publish queues; slaves serve the same queues under the master's broker name.
    // Must run before the live table is updated: it compares against the previous data version.
    if (brokerId === MASTER_ID) this.updateQueueDatas(registration, registerFirst);

    const key = brokerAddrKey(clusterName, brokerAddr);
    const previous = this.brokerLiveTable.get(key);
    this.brokerLiveTable.set(key, {
      clusterName,
      brokerName,
      brokerAddr,
      brokerId,
      haServerAddr: registration.haServerAddr,
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: registration.heartbeatTimeoutMillis ?? this.brokerExpiryMs,
      dataVersion: registration.dataVersion,
      channel: registration.channel,
    });
    if (!previous) {
      this.logger.info('new broker registered', {
        clusterName,
        brokerName,
        brokerAddr,
        brokerId,
        haServerAddr: registration.haServerAddr,
      });
    }
    return brokerId === MASTER_ID ? {} : this.masterOf(broker);
  }

  /** UNREGISTER_BROKER: the broker shut down cleanly. */
  unregisterBroker(broker: BrokerIdentity): void {
    this.removeBroker(broker, 'unregistered');
  }

  /** The connection a broker registered over closed: RocketMQ's onChannelDestroy. */
  onChannelDestroy(channel: C): BrokerLiveInfo<C>[] {
    const lost = [...this.brokerLiveTable.values()].filter((live) => live.channel === channel);
    for (const live of lost) this.removeBroker(live, 'connection closed');
    return lost;
  }

  /** Removes brokers whose last registration is older than their timeout, and returns them. */
  scanNotActiveBroker(): BrokerLiveInfo<C>[] {
    const now = this.now();
    const expired = [...this.brokerLiveTable.values()].filter(
      (live) => live.lastUpdateTimestamp + live.heartbeatTimeoutMillis < now,
    );
    for (const live of expired) {
      this.logger.warn('broker expired', {
        clusterName: live.clusterName,
        brokerName: live.brokerName,
        brokerAddr: live.brokerAddr,
        lastUpdateTimestamp: live.lastUpdateTimestamp,
        heartbeatTimeoutMillis: live.heartbeatTimeoutMillis,
      });
      this.removeBroker(live, 'expired');
    }
    return expired;
  }

  /** BROKER_HEARTBEAT and QUERY_DATA_VERSION keep a broker alive without re-sending its topics. */
  updateBrokerInfoUpdateTimestamp(clusterName: string, brokerAddr: string): boolean {
    const live = this.brokerLiveTable.get(brokerAddrKey(clusterName, brokerAddr));
    if (live) live.lastUpdateTimestamp = this.now();
    return live !== undefined;
  }

  queryBrokerTopicConfig(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.brokerLiveTable.get(brokerAddrKey(clusterName, brokerAddr))?.dataVersion;
  }

  isBrokerTopicConfigChanged(
    clusterName: string,
    brokerAddr: string,
    dataVersion: DataVersion,
  ): boolean {
    const previous = this.queryBrokerTopicConfig(clusterName, brokerAddr);
    return !previous || !dataVersionEquals(previous, dataVersion);
  }

  /** The route of `topic`, or undefined when no live broker serves it. */
  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const queueDataMap = this.topicQueueTable.get(topic);
    if (!queueDataMap) return undefined;
    const brokerDatas: BrokerData[] = [];
    for (const brokerName of queueDataMap.keys()) {
      const broker = this.brokerAddrTable.get(brokerName);
      if (broker) brokerDatas.push(toBrokerData(broker));
    }
    if (brokerDatas.length === 0) return undefined;
    return {
      queueDatas: [...queueDataMap.values()].map((qd) => ({ ...qd })).sort(byBrokerName),
      brokerDatas: brokerDatas.sort(byBrokerName),
      filterServerTable: {},
    };
  }

  getAllClusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = {};
    for (const name of [...this.brokerAddrTable.keys()].sort()) {
      brokerAddrTable[name] = toBrokerData(this.brokerAddrTable.get(name)!);
    }
    const clusterAddrTable: Record<string, string[]> = {};
    for (const [cluster, names] of this.clusterAddrTable)
      clusterAddrTable[cluster] = [...names].sort();
    return { brokerAddrTable, clusterAddrTable };
  }

  getAllTopicList(): TopicList {
    return { topicList: [...this.topicQueueTable.keys()].sort() };
  }

  /** Topics served by at least one broker of `cluster`; empty for an unknown cluster. */
  getTopicsByCluster(cluster: string): TopicList {
    const brokerNames = this.clusterAddrTable.get(cluster) ?? new Set<string>();
    const topics = [...this.topicQueueTable]
      .filter(([, queueDataMap]) => [...brokerNames].some((name) => queueDataMap.has(name)))
      .map(([topic]) => topic);
    return { topicList: topics.sort() };
  }

  /**
   * DELETE_TOPIC_IN_NAMESRV: drops the topic's route, or with `clusterName` only the queues that
   * cluster's brokers serve (the topic goes when no broker is left). Returns whether it changed.
   */
  deleteTopic(topic: string, clusterName?: string): boolean {
    if (clusterName === undefined) return this.topicQueueTable.delete(topic);
    const queueDataMap = this.topicQueueTable.get(topic);
    const brokerNames = this.clusterAddrTable.get(clusterName);
    if (!queueDataMap || !brokerNames) return false;
    let changed = false;
    for (const name of brokerNames) changed = queueDataMap.delete(name) || changed;
    if (queueDataMap.size === 0) this.topicQueueTable.delete(topic);
    return changed;
  }

  /** A snapshot of the live-broker table. */
  liveBrokers(): BrokerLiveInfo<C>[] {
    return [...this.brokerLiveTable.values()].map((live) => ({ ...live }));
  }

  /**
   * Re-reads the master's topic configs when they may have changed: on its first registration,
   * when its data version moved, or for a topic whose route lost this broker (deleted by an
   * admin) so that the next registration restores it, as RocketMQ's isTopicConfigChanged does.
   */
  private updateQueueDatas(registration: BrokerRegistration<C>, registerFirst: boolean): void {
    const { clusterName, brokerAddr, brokerName, dataVersion } = registration;
    const changed =
      registerFirst || this.isBrokerTopicConfigChanged(clusterName, brokerAddr, dataVersion);
    for (const config of Object.values(registration.topicConfigTable)) {
      if (changed || !this.topicQueueTable.get(config.topicName)?.has(brokerName)) {
        this.createAndUpdateQueueData(brokerName, config);
      }
    }
  }

  private createAndUpdateQueueData(brokerName: string, config: TopicConfig): void {
    const queueData: QueueData = {
      brokerName,
      readQueueNums: config.readQueueNums,
      writeQueueNums: config.writeQueueNums,
      perm: config.perm,
      topicSysFlag: config.topicSysFlag,
    };
    const topic = config.topicName;
    let queueDataMap = this.topicQueueTable.get(topic);
    if (!queueDataMap) {
      queueDataMap = new Map();
      this.topicQueueTable.set(topic, queueDataMap);
      this.logger.info('new topic registered', { topic, ...queueData });
    } else {
      const existing = queueDataMap.get(brokerName);
      if (existing && !queueDataEquals(existing, queueData)) {
        this.logger.info('topic changed', { topic, old: existing, new: queueData });
      }
    }
    queueDataMap.set(brokerName, queueData);
  }

  /**
   * Forgets one broker address. When it was the last address of its broker group the group
   * leaves its cluster and its queues leave every topic; a topic left without queues is gone.
   * While a slave remains the queues stay, so consumers can keep reading from it.
   */
  private removeBroker(broker: BrokerIdentity, reason: string): void {
    const { clusterName, brokerName, brokerAddr } = broker;
    const wasLive = this.brokerLiveTable.delete(brokerAddrKey(clusterName, brokerAddr));
    const entry = this.brokerAddrTable.get(brokerName);
    const removedTopics: string[] = [];
    if (entry) {
      for (const [id, addr] of entry.brokerAddrs) {
        if (addr === brokerAddr) entry.brokerAddrs.delete(id);
      }
      if (entry.brokerAddrs.size === 0) {
        this.brokerAddrTable.delete(brokerName);
        this.removeFromCluster(clusterName, brokerName);
        removedTopics.push(...this.removeQueueDatasOf(brokerName));
      }
    }
    this.logger.info('broker removed', {
      reason,
      clusterName,
      brokerName,
      brokerAddr,
      brokerId: broker.brokerId,
      wasLive,
      brokerGroupRemoved: entry !== undefined && !this.brokerAddrTable.has(brokerName),
      removedTopics,
    });
  }

  private removeFromCluster(clusterName: string, brokerName: string): void {
    const names = this.clusterAddrTable.get(clusterName);
    if (!names) return;
    names.delete(brokerName);
    if (names.size === 0) this.clusterAddrTable.delete(clusterName);
  }

  /** Removes the broker's queues from every topic; returns the topics that vanished. */
  private removeQueueDatasOf(brokerName: string): string[] {
    const removed: string[] = [];
    for (const [topic, queueDataMap] of this.topicQueueTable) {
      queueDataMap.delete(brokerName);
      if (queueDataMap.size === 0) {
        this.topicQueueTable.delete(topic);
        removed.push(topic);
      }
    }
    return removed;
  }

  /** A slave learns its master's address and HA address, once the master is registered. */
  private masterOf(broker: BrokerEntry): RegisterBrokerResult {
    const masterAddr = broker.brokerAddrs.get(MASTER_ID);
    if (masterAddr === undefined) return {};
    const master = this.brokerLiveTable.get(brokerAddrKey(broker.cluster, masterAddr));
    return master ? { masterAddr, haServerAddr: master.haServerAddr } : {};
  }
}

function addToSet(table: Map<string, Set<string>>, key: string, value: string): void {
  let set = table.get(key);
  if (!set) {
    set = new Set();
    table.set(key, set);
  }
  set.add(value);
}

function toBrokerData(entry: BrokerEntry): BrokerData {
  const brokerAddrs: Record<string, string> = {};
  for (const id of [...entry.brokerAddrs.keys()].sort((a, b) => a - b)) {
    brokerAddrs[String(id)] = entry.brokerAddrs.get(id)!;
  }
  return { cluster: entry.cluster, brokerName: entry.brokerName, brokerAddrs };
}

function queueDataEquals(a: QueueData, b: QueueData): boolean {
  return (
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.perm === b.perm &&
    a.topicSysFlag === b.topicSysFlag
  );
}

/** Routes are sorted by broker name so that equal routes serialize to equal bytes. */
function byBrokerName(a: { brokerName: string }, b: { brokerName: string }): number {
  return a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0;
}
