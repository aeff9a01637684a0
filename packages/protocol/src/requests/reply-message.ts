import { defineHeader, f, type HeaderOf } from '../header/field';

/**
 * PUSH_REPLY_MESSAGE_TO_CLIENT (326), broker to the requesting producer: the reply message's
 * send header plus where it was born and stored. The body is the reply's body.
 */
export const ReplyMessageRequestHeader = defineHeader('ReplyMessageRequestHeader', {
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
  bornHost: f.string.required,
  storeHost: f.string.required,
  storeTimestamp: f.long.required,
});
export type ReplyMessageRequest = HeaderOf<typeof ReplyMessageRequestHeader.schema>;
