import {
  CreateTopicRequestHeader,
  CURRENT_VERSION,
  DeleteTopicRequestHeader,
  RemotingError,
  RequestCode,
  ResponseCode,
  createResponse,
  encodeJsonBody,
  type RemotingCommand,
  type RemotingServer,
  type TopicConfig,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import { validateTopic } from '../topic/topic-validator';

/**
 * Topic administration and broker info, the topic part of RocketMQ's AdminBrokerProcessor:
 * UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
 * GET_BROKER_RUNTIME_INFO (28).
 */
export class AdminBrokerProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server
      .registerProcessor(RequestCode.UPDATE_AND_CREATE_TOPIC, (req) =>
        this.updateAndCreateTopic(req),
      )
      .registerProcessor(RequestCode.DELETE_TOPIC_IN_BROKER, (req) => this.deleteTopic(req))
      .registerProcessor(RequestCode.GET_ALL_TOPIC_CONFIG, (req) => this.getAllTopicConfig(req))
      .registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, (req) => this.getRuntimeInfo(req));
  }

  /** Creates or updates a topic, then registers at once so its route exists when this answers. */
  async updateAndCreateTopic(request: RemotingCommand): Promise<RemotingCommand> {
    const header = CreateTopicRequestHeader.decode(request.extFields);
    const { topic } = header;
    this.checkUserTopic(topic);
    for (const [name, value] of [
      ['readQueueNums', header.readQueueNums],
      ['writeQueueNums', header.writeQueueNums],
    ] as const) {
      if (value < 0 || value > MAX_QUEUE_NUMS) {
        throw new RemotingError(
          `${name} ${value} of topic ${topic} is out of range [0, ${MAX_QUEUE_NUMS}]`,
          ResponseCode.SYSTEM_ERROR,
        );
      }
    }
    const config: TopicConfig = {
      topicName: topic,
      readQueueNums: header.readQueueNums,
      writeQueueNums: header.writeQueueNums,
      perm: header.perm,
      topicFilterType: header.topicFilterType === 'MULTI_TAG' ? 'MULTI_TAG' : 'SINGLE_TAG',
      topicSysFlag: header.topicSysFlag ?? 0,
      order: header.order,
    };
    this.ctx.topics.put(config);
    this.ctx.logger.info('topic created or updated', { ...config });
    await this.ctx.registerBrokerAll();
    return createResponse(request, ResponseCode.SUCCESS);
  }

  /** Drops the topic's config, queues and offsets; its messages leave with retention. */
  async deleteTopic(request: RemotingCommand): Promise<RemotingCommand> {
    const { topic } = DeleteTopicRequestHeader.decode(request.extFields);
    this.checkUserTopic(topic);
    this.ctx.topics.delete(topic, (t) => this.ctx.store.deleteTopic(t));
    this.ctx.logger.info('topic deleted', { topic });
    await this.ctx.registerBrokerAll();
    return createResponse(request, ResponseCode.SUCCESS);
  }

  /** TopicConfigSerializeWrapper. */
  getAllTopicConfig(request: RemotingCommand): RemotingCommand {
    const topicConfigTable: Record<string, TopicConfig> = {};
    for (const config of this.ctx.topics.all()) topicConfigTable[config.topicName] = config;
    const body = { topicConfigTable, dataVersion: this.ctx.topics.dataVersion };
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody(body) });
  }

  /** A KVTable with the basics mqadmin brokerStatus shows. */
  getRuntimeInfo(request: RemotingCommand): RemotingCommand {
    const { store, stats, config, holds } = this.ctx;
    const table: Record<string, string> = {
      brokerVersionDesc: 'V4_9_8',
      brokerVersion: String(CURRENT_VERSION),
      brokerName: config.brokerName,
      clusterName: config.clusterName,
      brokerAddr: this.ctx.brokerAddr,
      bootTimestamp: String(stats.bootTimestamp),
      runtime: runtimeText(Date.now() - stats.bootTimestamp),
      msgPutTotalTodayNow: String(stats.msgPutTotal),
      msgGetTotalTodayNow: String(stats.msgGetTotal),
      commitLogMinOffset: String(store.minPhysicalOffset),
      commitLogMaxOffset: String(store.maxPhysicalOffset),
      pullRequestsHeld: String(holds.size),
      topicCount: String(this.ctx.topics.all().length),
      consumerGroupCount: String(this.ctx.consumers.groupNames().length),
    };
    return createResponse(request, ResponseCode.SUCCESS, { body: encodeJsonBody({ table }) });
  }

  private checkUserTopic(topic: string): void {
    validateTopic(topic);
    if (this.ctx.topics.isSystemTopic(topic)) {
      throw new RemotingError(
        `The topic[${topic}] is conflict with system topic.`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
  }
}

/** More queues than this per topic is a typo, not a plan. */
const MAX_QUEUE_NUMS = 1024;

/** RocketMQ's "[ d days, h hours, m minutes, s seconds ]" uptime text. */
function runtimeText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `[ ${Math.floor(s / 86400)} days, ${Math.floor(s / 3600) % 24} hours, ${Math.floor(s / 60) % 60} minutes, ${s % 60} seconds ]`;
}
