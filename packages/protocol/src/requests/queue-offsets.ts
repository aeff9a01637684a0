import { defineHeader, f } from '../header/field';

/** GET_MAX_OFFSET (30). */
export const GetMaxOffsetRequestHeader = defineHeader('GetMaxOffsetRequestHeader', {
  topic: f.string.required,
  queueId: f.int.required,
  committed: f.bool.optional,
});

/** GET_MIN_OFFSET (31) and GET_EARLIEST_MSG_STORETIME (32). */
export const TopicQueueRequestHeader = defineHeader('GetMinOffsetRequestHeader', {
  topic: f.string.required,
  queueId: f.int.required,
});

/** SEARCH_OFFSET_BY_TIMESTAMP (29). */
export const SearchOffsetRequestHeader = defineHeader('SearchOffsetRequestHeader', {
  topic: f.string.required,
  queueId: f.int.required,
  timestamp: f.long.required,
  boundaryType: f.string.optional,
});

/** GET_EARLIEST_MSG_STORETIME's response. */
export const TimestampResponseHeader = defineHeader('GetEarliestMsgStoretimeResponseHeader', {
  timestamp: f.long.required,
});
