import {
  CreateTopicRequestHeader,
  DeleteTopicFromNamesrvRequestHeader,
  DeleteTopicRequestHeader,
  Perm,
  QueryMessageRequestHeader,
  RequestCode,
  ResponseCode,
  UNIQUE_MSG_QUERY_FLAG,
  UpdateConsumerOffsetRequestHeader,
  ViewMessageRequestHeader,
  createRequest,
  decodeJsonBody,
  decodeMessageRecords,
  formatHostPort,
  parseOffsetMessageId,
  type ClusterInfo,
  type MessageQueue,
  type TopicList,
  type TopicRouteData,
} from '@rocketnest/protocol';
import { ClientInstance, subscribeQueues, type ClientOptions } from './client-instance';
import { ConsumerApi } from './consumer-api';
import { MQBrokerError, MQClientError } from './errors';
import { retryTopicOf, toConsumedMessage, type ConsumedMessage } from './message';
import { RemoteBrokerOffsetStore } from './offset-store';
import { invoke, invokeOk } from './remote';

export interface CreateTopicOptions {
  /** Read and write queues per broker. Default 8. */
  queueNums?: number;
  perm?: number;
  order?: boolean;
  /** Cluster whose master brokers get the topic. Default: every cluster. */
  cluster?: string;
}

export interface QueueLag {
  queue: MessageQueue;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
}

/** Topic and group administration over the name server and the brokers (MQAdminExt's core). */
export class Admin {
  private readonly instance: ClientInstance;
  private readonly api: ConsumerApi;

  constructor(options: ClientOptions) {
    this.instance = new ClientInstance(options);
    this.api = new ConsumerApi(this.instance);
  }

  async close(): Promise<void> {
    await this.instance.remoting.close();
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const response = await this.instance.invokeNameServer(
      createRequest(RequestCode.GET_BROKER_CLUSTER_INFO),
    );
    if (response.code !== ResponseCode.SUCCESS)
      throw new MQClientError(response.remark ?? 'cluster info', response.code);
    return decodeJsonBody<ClusterInfo>(response.body, 'ClusterInfo');
  }

  private async masters(cluster?: string): Promise<{ brokerName: string; addr: string }[]> {
    const info = await this.clusterInfo();
    const names = cluster
      ? (info.clusterAddrTable[cluster] ?? [])
      : Object.keys(info.brokerAddrTable);
    return names
      .map((brokerName) => ({
        brokerName,
        addr: info.brokerAddrTable[brokerName]?.brokerAddrs['0'] ?? '',
      }))
      .filter((b) => b.addr);
  }

  /** UPDATE_AND_CREATE_TOPIC on every master broker (of `cluster`). */
  async createTopic(topic: string, options: CreateTopicOptions = {}): Promise<void> {
    const masters = await this.masters(options.cluster);
    if (masters.length === 0)
      throw new MQClientError(
        `no master broker${options.cluster ? ` in cluster ${options.cluster}` : ''}`,
      );
    const queues = options.queueNums ?? 8;
    await Promise.all(
      masters.map(({ addr }) =>
        invokeOk(
          this.instance.remoting,
          addr,
          createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, {
            extFields: CreateTopicRequestHeader.encode({
              topic,
              defaultTopic: 'TBW102',
              readQueueNums: queues,
              writeQueueNums: queues,
              perm: options.perm ?? Perm.READ | Perm.WRITE,
              topicFilterType: 'SINGLE_TAG',
              topicSysFlag: 0,
              order: options.order ?? false,
            }),
          }),
          this.instance.requestTimeoutMs,
          topic,
        ),
      ),
    );
  }

  /** DELETE_TOPIC_IN_BROKER on every master, then DELETE_TOPIC_IN_NAMESRV on every name server. */
  async deleteTopic(topic: string, cluster?: string): Promise<void> {
    for (const { addr } of await this.masters(cluster)) {
      await invokeOk(
        this.instance.remoting,
        addr,
        createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, {
          extFields: DeleteTopicRequestHeader.encode({ topic }),
        }),
        this.instance.requestTimeoutMs,
        topic,
      );
    }
    for (const ns of this.instance.nameServerAddrs) {
      await invokeOk(
        this.instance.remoting,
        ns,
        createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, {
          extFields: DeleteTopicFromNamesrvRequestHeader.encode({ topic, clusterName: cluster }),
        }),
        this.instance.requestTimeoutMs,
        topic,
      );
    }
  }

  async listTopics(): Promise<string[]> {
    const response = await this.instance.invokeNameServer(
      createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
    );
    if (response.code !== ResponseCode.SUCCESS)
      throw new MQClientError(response.remark ?? 'topic list', response.code);
    return decodeJsonBody<TopicList>(response.body, 'TopicList').topicList;
  }

  topicRoute(topic: string): Promise<TopicRouteData> {
    return this.instance.updateRoute(topic);
  }

  /**
   * Per queue of `topics` (and the group's retry topic): the broker's max offset, the group's
   * committed offset and the difference.
   */
  async consumerLag(group: string, topics: readonly string[]): Promise<QueueLag[]> {
    const store = new RemoteBrokerOffsetStore(this.instance, group);
    const out: QueueLag[] = [];
    for (const topic of [...topics, retryTopicOf(group)]) {
      let route: TopicRouteData;
      try {
        route = await this.instance.updateRoute(topic);
      } catch (err) {
        if (topic === retryTopicOf(group)) continue;
        throw err;
      }
      for (const queue of subscribeQueues(topic, route)) {
        const [brokerOffset, committed] = await Promise.all([
          this.api.maxOffset(queue),
          store.read(queue, true),
        ]);
        const consumerOffset = Math.max(committed, 0);
        out.push({
          queue,
          brokerOffset,
          consumerOffset,
          lag: Math.max(0, brokerOffset - consumerOffset),
        });
      }
    }
    return out;
  }

  /** Total lag of `group` over `topics`. */
  async totalLag(group: string, topics: readonly string[]): Promise<number> {
    return (await this.consumerLag(group, topics)).reduce((sum, q) => sum + q.lag, 0);
  }

  /**
   * Moves `group`'s committed offsets on `topic` to the first message stored at or after
   * `timestamp`. The group must be stopped (members would overwrite the offsets).
   */
  async resetOffsetByTimestamp(
    group: string,
    topic: string,
    timestamp: number,
  ): Promise<Map<string, number>> {
    const route = await this.instance.updateRoute(topic);
    const queues = subscribeQueues(topic, route);
    const online = await this.api.consumerIds(group, topic, queues[0]!.brokerName).catch(() => []);
    if (online.length > 0) {
      throw new MQClientError(
        `consumer group ${group} is online (${online.join(', ')}); stop it first`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    const result = new Map<string, number>();
    for (const queue of queues) {
      const offset = await this.api.searchOffset(queue, timestamp);
      const addr = await this.instance.requireMasterAddr(queue.brokerName, topic);
      await invokeOk(
        this.instance.remoting,
        addr,
        createRequest(RequestCode.UPDATE_CONSUMER_OFFSET, {
          extFields: UpdateConsumerOffsetRequestHeader.encode({
            consumerGroup: group,
            topic,
            queueId: queue.queueId,
            commitOffset: offset,
          }),
        }),
        this.instance.requestTimeoutMs,
        topic,
      );
      result.set(`${queue.brokerName}:${queue.queueId}`, offset);
    }
    return result;
  }

  /** By offset message id (VIEW_MESSAGE_BY_ID on its store host), else by UNIQ_KEY in `topic`. */
  async viewMessage(topic: string, msgId: string): Promise<ConsumedMessage> {
    try {
      const { storeHost, commitLogOffset } = parseOffsetMessageId(msgId);
      const addr = formatHostPort(storeHost);
      const response = await invoke(
        this.instance.remoting,
        addr,
        createRequest(RequestCode.VIEW_MESSAGE_BY_ID, {
          extFields: ViewMessageRequestHeader.encode({ topic, offset: commitLogOffset }),
        }),
        this.instance.requestTimeoutMs,
        topic,
      );
      if (response.code === ResponseCode.SUCCESS && response.body) {
        const [ext] = decodeMessageRecords(response.body);
        if (ext && ext.topic === topic) return toConsumedMessage(ext, addr);
      }
    } catch {
      // Not an offset id of a reachable broker: try it as a unique key.
    }
    const found = await this.query(topic, msgId, 1, 0, Date.now() + 60_000, true);
    if (found.length === 0)
      throw new MQClientError(
        `message ${msgId} not found in topic ${topic}`,
        ResponseCode.QUERY_NOT_FOUND,
      );
    return found[0]!;
  }

  /** QUERY_MESSAGE by business key on every broker of `topic`. */
  queryMessageByKey(
    topic: string,
    key: string,
    maxNum = 32,
    begin = 0,
    end = Date.now() + 60_000,
  ): Promise<ConsumedMessage[]> {
    return this.query(topic, key, maxNum, begin, end, false);
  }

  private async query(
    topic: string,
    key: string,
    maxNum: number,
    begin: number,
    end: number,
    unique: boolean,
  ): Promise<ConsumedMessage[]> {
    const route = await this.instance.updateRoute(topic);
    const out: ConsumedMessage[] = [];
    for (const b of route.brokerDatas) {
      const addr = b.brokerAddrs['0'];
      if (!addr) continue;
      const response = await invoke(
        this.instance.remoting,
        addr,
        createRequest(RequestCode.QUERY_MESSAGE, {
          extFields: {
            ...QueryMessageRequestHeader.encode({
              topic,
              key,
              maxNum,
              beginTimestamp: begin,
              endTimestamp: end,
            }),
            [UNIQUE_MSG_QUERY_FLAG]: String(unique),
          },
        }),
        this.instance.requestTimeoutMs,
        topic,
      );
      if (response.code === ResponseCode.QUERY_NOT_FOUND) continue;
      if (response.code !== ResponseCode.SUCCESS)
        throw new MQBrokerError(response.code, response.remark, addr, topic);
      if (response.body) {
        for (const ext of decodeMessageRecords(response.body)) {
          if (ext.topic === topic) out.push(toConsumedMessage(ext, b.brokerName));
        }
      }
    }
    return out;
  }
}
