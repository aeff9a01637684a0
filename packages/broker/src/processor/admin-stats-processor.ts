import {
  RemotingError,
  RequestCode,
  ResponseCode,
  createResponse,
  defineHeader,
  f,
  type MessageQueue,
  type RemotingCommand,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import {
  encodeConsumeStats,
  encodeTopicStatsTable,
  type OffsetWrapper,
  type TopicOffset,
} from '../body/admin-bodies';
import { messageQueue } from '../body/fastjson-map';
import { storeTimeAt } from '../store-time';

/** GET_TOPIC_STATS_INFO (202). */
export const GetTopicStatsInfoRequestHeader = defineHeader('GetTopicStatsInfoRequestHeader', {
  topic: f.string.required,
});

/** GET_CONSUME_STATS (208); without a topic, every topic the group has offsets on. */
export const GetConsumeStatsRequestHeader = defineHeader('GetConsumeStatsRequestHeader', {
  consumerGroup: f.string.required,
  topic: f.string.optional,
});

/**
 * Per-queue statistics, the stats part of RocketMQ's AdminBrokerProcessor: GET_TOPIC_STATS_INFO
 * (202) and GET_CONSUME_STATS (208). Bodies are written the way fastjson writes them.
 */
export class AdminStatsProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.GET_TOPIC_STATS_INFO, (req) => this.getTopicStatsInfo(req))
      .registerProcessor(RequestCode.GET_CONSUME_STATS, (req) => this.getConsumeStats(req));
  }

  async getTopicStatsInfo(request: RemotingCommand): Promise<RemotingCommand> {
    const { topic } = GetTopicStatsInfoRequestHeader.decode(request.extFields);
    const config = this.ctx.topics.select(topic);
    if (!config) {
      throw new RemotingError(`topic[${topic}] not exist`, ResponseCode.TOPIC_NOT_EXIST);
    }
    const { store } = this.ctx;
    const offsets: [MessageQueue, TopicOffset][] = [];
    for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
      const maxOffset = store.getMaxOffsetInQueue(topic, queueId);
      offsets.push([
        messageQueue(topic, this.ctx.config.brokerName, queueId),
        {
          minOffset: store.getMinOffsetInQueue(topic, queueId),
          maxOffset,
          lastUpdateTimestamp:
            maxOffset > 0 ? await storeTimeAt(store, topic, queueId, maxOffset - 1) : 0,
        },
      ]);
    }
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeTopicStatsTable(offsets) });
  }

  /**
   * Broker offset, committed offset and lag of every queue of the group's topics. Topics the
   * group's online members do not subscribe to are skipped, as RocketMQ does.
   */
  async getConsumeStats(request: RemotingCommand): Promise<RemotingCommand> {
    const header = GetConsumeStatsRequestHeader.decode(request.extFields);
    const group = header.consumerGroup;
    const { store } = this.ctx;
    const topics = header.topic ? [header.topic] : store.consumerOffsets.topicsOf(group);
    const online = this.ctx.consumers.group(group);
    const offsets: [MessageQueue, OffsetWrapper][] = [];
    for (const topic of topics) {
      const config = this.ctx.topics.select(topic);
      if (!config) continue;
      if (online && online.subscriptions.size > 0 && !online.subscriptions.has(topic)) continue;
      for (let queueId = 0; queueId < config.readQueueNums; queueId++) {
        const brokerOffset = Math.max(0, store.getMaxOffsetInQueue(topic, queueId));
        const consumerOffset = Math.max(0, store.consumerOffsets.query(group, topic, queueId) ?? 0);
        offsets.push([
          messageQueue(topic, this.ctx.config.brokerName, queueId),
          {
            brokerOffset,
            consumerOffset,
            lastTimestamp: await storeTimeAt(store, topic, queueId, consumerOffset - 1),
            lag: Math.max(0, brokerOffset - consumerOffset),
          },
        ]);
      }
    }
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeConsumeStats(offsets, 0) });
  }
}
