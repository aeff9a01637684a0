import { performance } from 'node:perf_hooks';
import {
  ConsumerSendMsgBackRequestHeader,
  MessageProperty,
  RemotingError,
  RequestCode,
  ResponseCode,
  createResponse,
  type RemotingCommand,
  type RemotingServer,
} from '@rocketnest/protocol';
import type { BrokerContext } from '../broker-context';
import { dlqTopicOf, retryTopicOf } from '../topic/topic-validator';
import {
  DLQ_QUEUE_NUMS,
  RETRY_QUEUE_NUMS,
  maxReconsumeTimesOf,
} from './abstract-send-message-processor';

/**
 * CONSUMER_SEND_MSG_BACK (36), after AbstractSendMessageProcessor.consumerSendMsgBack: a consumer
 * failed a message; a copy goes to %RETRY%<group> with a growing delay level, or to
 * %DLQ%<group> once its reconsume times are used up (or when the client asks, delayLevel < 0).
 * The copy keeps body, flag, sysFlag and every property (UNIQ_KEY, KEYS, TAGS, user properties).
 */
export class ConsumerSendMsgBackProcessor {
  constructor(private readonly ctx: BrokerContext) {}

  registerTo(server: RemotingServer): void {
    server.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, (req) => this.sendBack(req));
  }

  async sendBack(request: RemotingCommand): Promise<RemotingCommand> {
    const startedAt = this.ctx.metrics ? performance.now() : 0;
    const header = ConsumerSendMsgBackRequestHeader.decode(request.extFields);
    const { group } = header;
    let topic = retryTopicOf(group);
    this.ctx.topics.getOrCreate(topic, RETRY_QUEUE_NUMS);
    const original = await this.ctx.store.lookMessageByOffset(header.offset);
    // A record stores its own offset: anything else is bytes inside another record's body.
    if (!original || original.commitLogOffset !== header.offset) {
      throw new RemotingError(
        `look message by offset failed, ${header.offset} (group ${group})`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    const properties = { ...original.properties };
    properties[MessageProperty.RETRY_TOPIC] ??= original.topic;
    if (!properties[MessageProperty.ORIGIN_MESSAGE_ID]) {
      properties[MessageProperty.ORIGIN_MESSAGE_ID] = original.msgId;
    }
    const max = maxReconsumeTimesOf(this.ctx, request, header.maxReconsumeTimes);
    if (original.reconsumeTimes >= max || header.delayLevel < 0) {
      topic = dlqTopicOf(group);
      this.ctx.topics.getOrCreate(topic, DLQ_QUEUE_NUMS);
      delete properties[MessageProperty.DELAY_TIME_LEVEL];
    } else {
      const level = header.delayLevel === 0 ? 3 + original.reconsumeTimes : header.delayLevel;
      properties[MessageProperty.DELAY_TIME_LEVEL] = String(level);
    }
    const result = await this.ctx.store.putMessage({
      topic,
      queueId: 0,
      body: original.body,
      properties,
      flag: original.flag,
      sysFlag: original.sysFlag,
      bornTimestamp: original.bornTimestamp,
      bornHost: original.bornHost,
      reconsumeTimes: original.reconsumeTimes + 1,
    });
    if (result.status !== 'PUT_OK') {
      // As RocketMQ: only PUT_OK counts; the client then re-sends the message itself.
      throw new RemotingError(
        `${result.status} (send back to ${topic})`,
        ResponseCode.SYSTEM_ERROR,
      );
    }
    this.ctx.stats.msgPutTotal++;
    this.ctx.metrics?.recordPut(topic, 1, original.body.length, startedAt);
    return createResponse(request, ResponseCode.SUCCESS);
  }
}
