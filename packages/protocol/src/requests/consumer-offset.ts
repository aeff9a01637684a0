import { defineHeader, f } from '../header/field';

/** QUERY_CONSUMER_OFFSET (14). QUERY_NOT_FOUND (22) answers a group with no stored offset. */
export const QueryConsumerOffsetRequestHeader = defineHeader('QueryConsumerOffsetRequestHeader', {
  consumerGroup: f.string.required,
  topic: f.string.required,
  queueId: f.int.required,
  setZeroIfNotFound: f.bool.optional,
});

/** UPDATE_CONSUMER_OFFSET (15), often oneway. */
export const UpdateConsumerOffsetRequestHeader = defineHeader('UpdateConsumerOffsetRequestHeader', {
  consumerGroup: f.string.required,
  topic: f.string.required,
  queueId: f.int.required,
  commitOffset: f.long.required,
});

/** The `offset` response header of QUERY_CONSUMER_OFFSET, GET_MAX/MIN_OFFSET, SEARCH_OFFSET. */
export const OffsetResponseHeader = defineHeader('OffsetResponseHeader', {
  offset: f.long.required,
});
