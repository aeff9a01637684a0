/** The transport id of `RocketMQServer`: `@EventPattern('topic', ROCKETMQ_TRANSPORT)` binds a handler to it. */
export const ROCKETMQ_TRANSPORT = Symbol('ROCKETMQ_TRANSPORT');

/** Reply property set when a request handler failed: the body then holds the error. */
export const NEST_ERR_PROPERTY = 'NEST_ERR';

export const DEFAULT_CONCURRENCY = 20;
/** Also the default of orderly handlers, so a poison message cannot hold its queue forever. */
export const DEFAULT_MAX_RECONSUME_TIMES = 16;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** RocketMQ message properties the transport reads or writes (MessageConst in the Java client). */
export const MessageProperty = {
  CORRELATION_ID: 'CORRELATION_ID',
  REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  RETRY_TOPIC: 'RETRY_TOPIC',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
} as const;
