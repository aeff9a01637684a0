import { defineHeader, f } from '../header/field';

/** END_TRANSACTION (37): commitOrRollback 8 commits, 12 rolls back, 0 is unknown. */
export const EndTransactionRequestHeader = defineHeader('EndTransactionRequestHeader', {
  topic: f.string.optional,
  producerGroup: f.string.required,
  tranStateTableOffset: f.long.required,
  commitLogOffset: f.long.required,
  commitOrRollback: f.int.required,
  fromTransactionCheck: f.bool.optional,
  msgId: f.string.required,
  transactionId: f.string.optional,
});
