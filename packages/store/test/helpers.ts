import { decodeMessageRecord, type MessageExt } from '@rocketnest/protocol';
import { MessageStore, type MessageStoreOptions } from '../src';
import { tempDir } from '../../../test/support/temp-dir';

/** Opens a store in a fresh temp dir with small files, so tests cross segment boundaries. */
export function openStore(options: Partial<MessageStoreOptions> = {}): Promise<MessageStore> {
  return MessageStore.open({
    dataDir: options.dataDir ?? tempDir('rocketnest-store-'),
    commitLogSegmentSize: 64 * 1024,
    consumeQueueUnitsPerFile: 100,
    indexHashSlots: 64,
    indexEntriesPerFile: 1000,
    persistIntervalMs: 60_000,
    diskUsage: async () => 0.1,
    ...options,
  });
}

export function decodeAll(buffers: Buffer[]): MessageExt[] {
  return buffers.map((b) => decodeMessageRecord(b));
}

/** Every message of a queue, from its min offset. */
export async function readQueue(
  store: MessageStore,
  topic: string,
  queueId: number,
): Promise<MessageExt[]> {
  const out: MessageExt[] = [];
  let offset = store.getMinOffsetInQueue(topic, queueId);
  for (;;) {
    const r = await store.getMessage({ topic, queueId, offset, maxMsgNums: 64 });
    out.push(...decodeAll(r.messages));
    if (r.nextBeginOffset <= offset || r.status === 'OFFSET_OVERFLOW_ONE') break;
    offset = r.nextBeginOffset;
  }
  return out;
}

export function body(text: string, size = 0): Buffer {
  return size > text.length
    ? Buffer.concat([Buffer.from(text), Buffer.alloc(size - text.length, '.')])
    : Buffer.from(text);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
