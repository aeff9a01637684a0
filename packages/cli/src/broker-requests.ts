import {
  GetConsumeStatsRequestHeader,
  GetTopicStatsInfoRequestHeader,
  type OffsetWrapper,
  type TopicOffset,
} from '@rocketnest/broker';
import { MQBrokerError } from '@rocketnest/client';
import {
  CreateTopicRequestHeader,
  OffsetResponseHeader,
  Perm,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  ViewMessageRequestHeader,
  createRequest,
  decodeMessageRecords,
  type MessageQueue,
  type RemotingClient,
  type RemotingCommand,
} from '@rocketnest/protocol';
import { topicNotFound } from './errors';
import { decodeObjectKeyMap } from './object-key-map';

export interface QueueStats extends TopicOffset {
  queue: MessageQueue;
}

export interface QueueConsumeStats {
  queue: MessageQueue;
  brokerOffset: number;
  consumerOffset: number;
  lag: number;
}

/**
 * The admin requests the CLI sends to one broker directly (those the client's Admin has no
 * method for), as RocketMQ's mqadmin sends them, so they work against any RocketMQ broker.
 */
export class BrokerRequests {
  constructor(
    private readonly remoting: RemotingClient,
    private readonly timeoutMs: number,
  ) {}

  async createTopic(addr: string, topic: string, queues: number): Promise<void> {
    const extFields = CreateTopicRequestHeader.encode({
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: queues,
      writeQueueNums: queues,
      perm: Perm.READ | Perm.WRITE,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
    });
    await this.call(addr, createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, { extFields }), topic);
  }

  /** GET_TOPIC_STATS_INFO: min/max offset and last write time of every queue of the topic. */
  async topicStats(addr: string, topic: string): Promise<QueueStats[]> {
    const extFields = GetTopicStatsInfoRequestHeader.encode({ topic });
    const response = await this.call(
      addr,
      createRequest(RequestCode.GET_TOPIC_STATS_INFO, { extFields }),
      topic,
    );
    return decodeObjectKeyMap<MessageQueue, TopicOffset>(bodyText(response), 'offsetTable').map(
      ([queue, offsets]) => ({ queue, ...offsets }),
    );
  }

  /** GET_CONSUME_STATS: the group's offsets on one topic, or on every topic it committed to. */
  async consumeStats(addr: string, group: string, topic?: string): Promise<QueueConsumeStats[]> {
    const extFields = GetConsumeStatsRequestHeader.encode({ consumerGroup: group, topic });
    const response = await this.call(
      addr,
      createRequest(RequestCode.GET_CONSUME_STATS, { extFields }),
      topic,
    );
    return decodeObjectKeyMap<MessageQueue, OffsetWrapper>(bodyText(response), 'offsetTable').map(
      ([queue, o]) => ({
        queue,
        brokerOffset: o.brokerOffset,
        consumerOffset: o.consumerOffset,
        lag: Math.max(0, o.brokerOffset - o.consumerOffset),
      }),
    );
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP: the first offset of the queue stored at or after `timestamp`. */
  async searchOffset(addr: string, queue: MessageQueue, timestamp: number): Promise<number> {
    const extFields = SearchOffsetRequestHeader.encode({
      topic: queue.topic,
      queueId: queue.queueId,
      timestamp,
    });
    const response = await this.call(
      addr,
      createRequest(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { extFields }),
      queue.topic,
    );
    return OffsetResponseHeader.decode(response.extFields).offset;
  }

  /** VIEW_MESSAGE_BY_ID on the broker that stored it: the topic of the message, if found. */
  async topicOfStoredMessage(addr: string, commitLogOffset: number): Promise<string | undefined> {
    const extFields = ViewMessageRequestHeader.encode({ offset: commitLogOffset });
    const response = await this.remoting.invoke(
      addr,
      createRequest(RequestCode.VIEW_MESSAGE_BY_ID, { extFields }),
      this.timeoutMs,
    );
    if (response.code !== ResponseCode.SUCCESS || !response.body) return undefined;
    return decodeMessageRecords(response.body)[0]?.topic;
  }

  private async call(
    addr: string,
    request: RemotingCommand,
    topic?: string,
  ): Promise<RemotingCommand> {
    const response = await this.remoting.invoke(addr, request, this.timeoutMs);
    if (response.code === ResponseCode.TOPIC_NOT_EXIST && topic) throw topicNotFound(topic);
    if (response.code !== ResponseCode.SUCCESS)
      throw new MQBrokerError(response.code, response.remark, addr, topic);
    return response;
  }
}

function bodyText(response: RemotingCommand): string {
  return response.body?.toString('utf8') ?? '';
}
