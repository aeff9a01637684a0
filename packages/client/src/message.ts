import {
  KEY_SEPARATOR,
  copyProperties,
  MessageProperty,
  type MessageExt,
  type MessageQueue,
} from '@rocketnest/protocol';

export type { MessageQueue };

/** A message to send. */
export interface Message {
  topic: string;
  body: Buffer | string;
  /** One tag (the TAGS property) consumers filter on. */
  tags?: string;
  /** Business keys (KEYS, space separated on the wire), indexed for QUERY_MESSAGE. */
  keys?: string | string[];
  /** User properties. */
  properties?: Record<string, string>;
  /** Delay level 1..18 of the broker's `messageDelayLevel` (1 s, 5 s, 10 s, 30 s, 1 m, ...). */
  delayLevel?: number;
  /** Absolute delivery time (TIMER_DELIVER_MS, and __STARTDELIVERTIME for rocketnest/ONS brokers). */
  deliverAt?: number | Date;
  /** Messages with the same sharding key go to the same queue (ordered sending). */
  shardingKey?: string;
  /** User flag (Message.flag). */
  flag?: number;
}

/** A message handed to consumers: RocketMQ's MessageExt with the client's conventions. */
export interface ConsumedMessage {
  /** UNIQ_KEY when the producer set one (every RocketMQ client does), else the offset id. */
  msgId: string;
  /** Store host + commit-log offset: what VIEW_MESSAGE_BY_ID takes. */
  offsetMsgId: string;
  /** The real topic, also for messages redelivered through `%RETRY%<group>`. */
  topic: string;
  tags?: string;
  keys: string[];
  properties: Record<string, string>;
  /** Inflated when it was sent compressed. */
  body: Buffer;
  queueId: number;
  queueOffset: number;
  brokerName: string;
  reconsumeTimes: number;
  bornTimestamp: number;
  storeTimestamp: number;
  commitLogOffset: number;
  /** The topic the message was pulled from (`%RETRY%<group>` for retries). */
  pulledFrom: string;
}

/** Converts a decoded record as the Java client's MessageClientExt presents it. */
export function toConsumedMessage(ext: MessageExt, brokerName: string): ConsumedMessage {
  const properties = copyProperties(ext.properties);
  const retryTopic = properties[MessageProperty.RETRY_TOPIC];
  const keys = properties[MessageProperty.KEYS];
  return {
    msgId: properties[MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? ext.msgId,
    offsetMsgId: ext.msgId,
    topic: retryTopic ?? ext.topic,
    tags: properties[MessageProperty.TAGS],
    keys: keys ? keys.split(KEY_SEPARATOR).filter((k) => k.length > 0) : [],
    properties,
    body: ext.body,
    queueId: ext.queueId,
    queueOffset: ext.queueOffset,
    brokerName,
    reconsumeTimes: ext.reconsumeTimes,
    bornTimestamp: ext.bornTimestamp,
    storeTimestamp: ext.storeTimestamp,
    commitLogOffset: ext.commitLogOffset,
    pulledFrom: ext.topic,
  };
}

export function queueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

export function compareQueues(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const retryTopicOf = (group: string): string => RETRY_GROUP_TOPIC_PREFIX + group;
export const dlqTopicOf = (group: string): string => DLQ_GROUP_TOPIC_PREFIX + group;
