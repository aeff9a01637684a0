import type { MessageQueue } from '@rocketnest/protocol';
import { encodeObjectKeyMap } from './fastjson-map';

/** TopicStatsTable's value: one queue's offsets and last write time. */
export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

/** ConsumeStats' value (OffsetWrapper), plus `lag` (brokerOffset - consumerOffset). */
export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  lastTimestamp: number;
  lag: number;
}

/** GET_TOPIC_STATS_INFO (202) body: `{"offsetTable":{<mq>:<TopicOffset>,...}}`. */
export function encodeTopicStatsTable(offsets: readonly [MessageQueue, TopicOffset][]): Buffer {
  return Buffer.from(`{"offsetTable":${encodeObjectKeyMap(offsets)}}`, 'utf8');
}

/** GET_CONSUME_STATS (208) body: `{"consumeTps":n,"offsetTable":{<mq>:<OffsetWrapper>,...}}`. */
export function encodeConsumeStats(
  offsets: readonly [MessageQueue, OffsetWrapper][],
  consumeTps: number,
): Buffer {
  return Buffer.from(
    `{"consumeTps":${consumeTps},"offsetTable":${encodeObjectKeyMap(offsets)}}`,
    'utf8',
  );
}
