import { defineHeader, f, type HeaderOf } from '../header/field';

/**
 * CONSUMER_SEND_MSG_BACK (36). `offset` is the failed message's CommitLog offset; delayLevel 0
 * lets the broker choose (3 + reconsume times), -1 sends the message straight to the DLQ.
 */
export const ConsumerSendMsgBackRequestHeader = defineHeader('ConsumerSendMsgBackRequestHeader', {
  offset: f.long.required,
  group: f.string.required,
  delayLevel: f.int.required,
  originMsgId: f.string.optional,
  originTopic: f.string.optional,
  unitMode: f.bool.optional,
  maxReconsumeTimes: f.int.optional,
});
export type ConsumerSendMsgBackRequest = HeaderOf<typeof ConsumerSendMsgBackRequestHeader.schema>;
