import { RemotingError, ResponseCode } from '@rocketnest/protocol';
import { SCHEDULE_TOPIC } from '@rocketnest/store';

/** RocketMQ's MixAll / TopicValidator names. */
export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const REPLY_TOPIC_POSTFIX = 'REPLY_TOPIC';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';
export const TOPIC_MAX_LENGTH = 127;

export const retryTopicOf = (group: string): string => RETRY_GROUP_TOPIC_PREFIX + group;
export const dlqTopicOf = (group: string): string => DLQ_GROUP_TOPIC_PREFIX + group;
export const replyTopicOf = (cluster: string): string => `${cluster}_${REPLY_TOPIC_POSTFIX}`;

/**
 * Topics clients may not send to. RocketMQ's NOT_ALLOWED_SEND_TOPIC_SET, plus TBW102: it is only a
 * template for auto-creation, and messages stored in it would never be consumed.
 */
const NOT_ALLOWED_SEND = new Set([
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  SCHEDULE_TOPIC,
  TRANS_HALF_TOPIC,
  TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_TOPIC,
  SELF_TEST_TOPIC,
  OFFSET_MOVED_EVENT,
]);

const VALID_TOPIC = /^[%|a-zA-Z0-9_-]+$/;

/**
 * TopicValidator.validateTopic: 4.9.8's code (SYSTEM_ERROR; 5.x says INVALID_PARAMETER, which 4.x
 * clients do not know) with 5.x's remarks, which name the topic. Retry and DLQ topics share the
 * 127 limit: ali-ons reads the stored topic length as one byte.
 */
export function validateTopic(topic: string): void {
  if (topic.trim() === '') {
    throw new RemotingError('The specified topic is blank.', ResponseCode.SYSTEM_ERROR);
  }
  if (!VALID_TOPIC.test(topic)) {
    throw new RemotingError(
      `The specified topic: ${topic}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`,
      ResponseCode.SYSTEM_ERROR,
    );
  }
  if (topic.length > TOPIC_MAX_LENGTH) {
    throw new RemotingError(
      `The specified topic: ${topic}, is longer than topic max length: ${TOPIC_MAX_LENGTH}`,
      ResponseCode.SYSTEM_ERROR,
    );
  }
}

export function checkSendAllowed(topic: string): void {
  if (NOT_ALLOWED_SEND.has(topic)) {
    throw new RemotingError(
      `Sending message to topic[${topic}] is forbidden.`,
      ResponseCode.NO_PERMISSION,
    );
  }
}
