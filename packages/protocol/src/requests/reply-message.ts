import { defineHeader, f, type HeaderOf } from '../header/field';
import { SendMessageRequestHeader } from './send-message';

/**
 * PUSH_REPLY_MESSAGE_TO_CLIENT (326), broker to the requesting producer: the reply message's
 * send header plus where it was born and stored. The body is the reply's body.
 */
const send = SendMessageRequestHeader.schema;

export const ReplyMessageRequestHeader = defineHeader('ReplyMessageRequestHeader', {
  producerGroup: send.producerGroup,
  topic: send.topic,
  defaultTopic: send.defaultTopic,
  defaultTopicQueueNums: send.defaultTopicQueueNums,
  queueId: send.queueId,
  sysFlag: send.sysFlag,
  bornTimestamp: send.bornTimestamp,
  flag: send.flag,
  properties: send.properties,
  reconsumeTimes: send.reconsumeTimes,
  unitMode: send.unitMode,
  bornHost: f.string.required,
  storeHost: f.string.required,
  storeTimestamp: f.long.required,
});
export type ReplyMessageRequest = HeaderOf<typeof ReplyMessageRequestHeader.schema>;
