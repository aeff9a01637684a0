import { RequestCode } from '../codes/request-code';
import { defineHeader, f, type HeaderOf } from '../header/field';

/** SEND_MESSAGE (10): SendMessageRequestHeader with its long field names. */
export const SendMessageRequestHeader = defineHeader('SendMessageRequestHeader', {
  producerGroup: f.string.required,
  topic: f.string.required,
  defaultTopic: f.string.required,
  defaultTopicQueueNums: f.int.required,
  queueId: f.int.required,
  sysFlag: f.int.required,
  bornTimestamp: f.long.required,
  flag: f.int.required,
  properties: f.string.optional,
  reconsumeTimes: f.int.optional,
  unitMode: f.bool.optional,
  batch: f.bool.optional,
  maxReconsumeTimes: f.int.optional,
  brokerName: f.string.optional,
});
export type SendMessageRequest = HeaderOf<typeof SendMessageRequestHeader.schema>;

/**
 * SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320), SEND_REPLY_MESSAGE_V2 (325): the same fields
 * under single-letter keys. Decoding yields the long-named header, as the Java broker converts it.
 */
export const SendMessageRequestHeaderV2 = SendMessageRequestHeader.withWireNames(
  'SendMessageRequestHeaderV2',
  {
    producerGroup: 'a',
    topic: 'b',
    defaultTopic: 'c',
    defaultTopicQueueNums: 'd',
    queueId: 'e',
    sysFlag: 'f',
    bornTimestamp: 'g',
    flag: 'h',
    properties: 'i',
    reconsumeTimes: 'j',
    unitMode: 'k',
    maxReconsumeTimes: 'l',
    batch: 'm',
    brokerName: 'n',
  },
);

export const SendMessageResponseHeader = defineHeader('SendMessageResponseHeader', {
  msgId: f.string.required,
  queueId: f.int.required,
  queueOffset: f.long.required,
  transactionId: f.string.optional,
  batchUniqId: f.string.optional,
});
export type SendMessageResponse = HeaderOf<typeof SendMessageResponseHeader.schema>;

/** The header codec a broker decodes a send request with, by request code. */
export function sendHeaderCodecFor(code: number) {
  return code === RequestCode.SEND_MESSAGE || code === RequestCode.SEND_REPLY_MESSAGE
    ? SendMessageRequestHeader
    : SendMessageRequestHeaderV2;
}

/** Default topic whose route 4.x producers use to auto-create topics. */
export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
