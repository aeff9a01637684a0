import { defineHeader, f } from '../header/field';

/** VIEW_MESSAGE_BY_ID (33): `offset` is the CommitLog offset from the offset message id. */
export const ViewMessageRequestHeader = defineHeader('ViewMessageRequestHeader', {
  topic: f.string.optional,
  offset: f.long.required,
});
