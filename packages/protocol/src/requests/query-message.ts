import { defineHeader, f, type HeaderOf } from '../header/field';

/** QUERY_MESSAGE (12): by key within a store-time range, through the index. */
export const QueryMessageRequestHeader = defineHeader('QueryMessageRequestHeader', {
  topic: f.string.required,
  key: f.string.required,
  maxNum: f.int.required,
  beginTimestamp: f.long.required,
  endTimestamp: f.long.required,
});
export type QueryMessageRequest = HeaderOf<typeof QueryMessageRequestHeader.schema>;

export const QueryMessageResponseHeader = defineHeader('QueryMessageResponseHeader', {
  indexLastUpdateTimestamp: f.long.required,
  indexLastUpdatePhyoffset: f.long.required,
});

/** Extra ext field (MixAll.UNIQUE_MSG_QUERY_FLAG): "true" queries by UNIQ_KEY instead of KEYS. */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';
