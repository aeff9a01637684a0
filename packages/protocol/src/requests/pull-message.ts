import { defineHeader, f, type HeaderOf } from '../header/field';

/** PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361). */
export const PullMessageRequestHeader = defineHeader('PullMessageRequestHeader', {
  consumerGroup: f.string.required,
  topic: f.string.required,
  queueId: f.int.required,
  queueOffset: f.long.required,
  maxMsgNums: f.int.required,
  sysFlag: f.int.required,
  commitOffset: f.long.required,
  suspendTimeoutMillis: f.long.required,
  subscription: f.string.optional,
  subVersion: f.long.required,
  expressionType: f.string.optional,
  maxMsgBytes: f.int.optional,
});
export type PullMessageRequest = HeaderOf<typeof PullMessageRequestHeader.schema>;

/** Sent on every pull outcome (FOUND, NO_NEW_MSG, NO_MATCHED_MSG, OFFSET_ILLEGAL). */
export const PullMessageResponseHeader = defineHeader('PullMessageResponseHeader', {
  suggestWhichBrokerId: f.long.required,
  nextBeginOffset: f.long.required,
  minOffset: f.long.required,
  maxOffset: f.long.required,
});
export type PullMessageResponse = HeaderOf<typeof PullMessageResponseHeader.schema>;
