import type { MessageStore } from '@rocketnest/store';

/** Stored minus committed, summed over the queues (queueId -> committed offset) of one topic. */
export function committedLag(
  store: MessageStore,
  topic: string,
  queues: ReadonlyMap<number, number>,
): number {
  let lag = 0;
  for (const [queueId, offset] of queues) {
    lag += Math.max(0, store.getMaxOffsetInQueue(topic, queueId) - offset);
  }
  return lag;
}

/** Messages a topic retains: max minus min offset over its queues. */
export function retainedMessages(store: MessageStore, topic: string): number {
  let count = 0;
  for (const queueId of store.queueIdsOf(topic)) {
    count += store.getMaxOffsetInQueue(topic, queueId) - store.getMinOffsetInQueue(topic, queueId);
  }
  return count;
}
