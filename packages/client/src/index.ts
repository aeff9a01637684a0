export { Producer, selectByHash, DEFAULT_RETRY_RESPONSE_CODES } from './producer';
export type {
  ProducerOptions,
  SendResult,
  SendStatus,
  SendOptions,
  MessageQueueSelector,
} from './producer';
export { PushConsumer } from './push-consumer';
export {
  LitePullConsumer,
  type LitePullConsumerOptions,
  type QueueOffset,
} from './lite-pull-consumer';
export type {
  PushConsumerOptions,
  RunOptions,
  ConsumeResult,
  ConsumeContext,
} from './push-consumer';
export type { ClientOptions } from './client-instance';
export type { Message, ConsumedMessage, MessageQueue } from './message';
export { retryTopicOf, dlqTopicOf, queueKey } from './message';
export { allocateAveragely, allocateByCircle, type AllocateStrategy } from './allocate';
export { ProcessQueue } from './process-queue';
export { MQClientError, MQBrokerError, MQTimeoutError } from './errors';
export { ResponseCode, parseTagExpression } from '@rocketnest/protocol';
export { Admin } from './admin';
export type { CreateTopicOptions, QueueLag } from './admin';
