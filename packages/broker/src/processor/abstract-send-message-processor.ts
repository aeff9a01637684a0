import {
  MAX_PROPERTIES_LENGTH,
  MessageProperty,
  MQVersion,
  RemotingError,
  ResponseCode,
  SendMessageResponseHeader,
  createResponse,
  isWriteable,
  type ExtFields,
  type RemotingCommand,
  type SendMessageRequest,
  type TopicConfig,
} from '@rocketnest/protocol';
import type { PutMessageResult } from '@rocketnest/store';
import type { BrokerContext } from '../broker-context';
import {
  RETRY_GROUP_TOPIC_PREFIX,
  checkSendAllowed,
  validateTopic,
} from '../topic/topic-validator';

/** RocketMQ's retryQueueNums and DLQ_NUMS_PER_GROUP. */
export const RETRY_QUEUE_NUMS = 1;
export const DLQ_QUEUE_NUMS = 1;

/**
 * AbstractSendMessageProcessor.msgCheck: topic name, send permission, the topic itself (created
 * from the default topic when auto-create is on; retry topics always), and the queue id.
 * Returns the topic's config; throws a RemotingError with RocketMQ's code otherwise.
 */
export function msgCheck(
  ctx: BrokerContext,
  header: SendMessageRequest,
  client: string,
): TopicConfig {
  const { topic } = header;
  validateTopic(topic);
  checkSendAllowed(topic);
  let config =
    ctx.topics.select(topic) ??
    ctx.topics.createOnSend(topic, header.defaultTopic, header.defaultTopicQueueNums);
  if (!config && topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
    config = ctx.topics.getOrCreate(topic, RETRY_QUEUE_NUMS);
  }
  if (!config) {
    throw new RemotingError(
      `topic[${topic}] not exist, apply first please!`,
      ResponseCode.TOPIC_NOT_EXIST,
    );
  }
  if (!isWriteable(config.perm)) {
    throw new RemotingError(
      `the topic[${topic}] sending message is forbidden`,
      ResponseCode.NO_PERMISSION,
    );
  }
  const validQueues = Math.max(config.writeQueueNums, config.readQueueNums);
  if (header.queueId >= validQueues) {
    throw new RemotingError(
      `request queueId[${header.queueId}] is illegal, topic: ${topic}, writeQueueNums: ` +
        `${config.writeQueueNums}, readQueueNums: ${config.readQueueNums}, producer: ${client}`,
      ResponseCode.SYSTEM_ERROR,
    );
  }
  return config;
}

/** A negative queue id lets the broker choose, as RocketMQ does. */
export function chooseQueueId(requested: number, config: TopicConfig): number {
  if (requested >= 0) return requested;
  return Math.floor(Math.random() * Math.max(1, config.writeQueueNums));
}

/** Body and properties within limits, else MESSAGE_ILLEGAL with RocketMQ's remark and the numbers. */
export function checkMessageSize(
  ctx: BrokerContext,
  topic: string,
  bodyLength: number,
  propertiesText: string | undefined,
): void {
  const propsLength = propertiesText ? Buffer.byteLength(propertiesText, 'utf8') : 0;
  if (bodyLength > ctx.config.maxMessageSize || propsLength > MAX_PROPERTIES_LENGTH) {
    throw new RemotingError(
      `the message is illegal, maybe msg body or properties length not matched. msg body length ` +
        `limit ${ctx.config.maxMessageSize}B, msg properties length limit 32KB. topic: ${topic}, ` +
        `body: ${bodyLength}B, properties: ${propsLength}B`,
      ResponseCode.MESSAGE_ILLEGAL,
    );
  }
}

/** The redelivery limit: the client's (clients from V3_4_9 on send it), else the broker's. */
export function maxReconsumeTimesOf(
  ctx: BrokerContext,
  request: RemotingCommand,
  fromClient: number | undefined,
): number {
  return request.version >= MQVersion.V3_4_9 && fromClient !== undefined
    ? fromClient
    : ctx.config.maxReconsumeTimes;
}

/** MSG_REGION and TRACE_ON, which send responses carry besides the header. */
export function sendResponseExtFields(ctx: BrokerContext): ExtFields {
  return {
    [MessageProperty.MSG_REGION]: ctx.config.regionId,
    [MessageProperty.TRACE_SWITCH]: String(ctx.config.traceOn),
  };
}

/** The send response: SUCCESS, or FLUSH_DISK_TIMEOUT (stored, not yet durable) with the header. */
export function sendResponseFor(
  ctx: BrokerContext,
  request: RemotingCommand,
  status: PutMessageResult['status'],
  header: { msgId: string; queueId: number; queueOffset: number },
): RemotingCommand {
  const code = status === 'PUT_OK' ? ResponseCode.SUCCESS : ResponseCode.FLUSH_DISK_TIMEOUT;
  return createResponse(request, code, {
    extFields: { ...SendMessageResponseHeader.encode(header), ...sendResponseExtFields(ctx) },
  });
}
