import { readInt64BE, storeTimestampOffset, RecordOffset } from '@rocketnest/protocol';
import type { MessageStore } from '@rocketnest/store';

/** Store time of the message at a queue offset (getMessageStoreTimeStamp), or 0 if none. */
export async function storeTimeAt(
  store: MessageStore,
  topic: string,
  queueId: number,
  offset: number,
): Promise<number> {
  if (offset < 0) return 0;
  const found = await store.getMessage({ topic, queueId, offset, maxMsgNums: 1 });
  const record = found.status === 'FOUND' ? found.messages[0] : undefined;
  if (!record) return 0;
  const sysFlag = record.readInt32BE(RecordOffset.SYS_FLAG);
  return readInt64BE(record, storeTimestampOffset(sysFlag));
}
