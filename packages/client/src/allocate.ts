import type { MessageQueue } from '@rocketnest/protocol';

/**
 * Chooses the queues one consumer of a group reads, from the same sorted inputs every member
 * sees (queues and consumer ids sorted), so members agree without talking to each other.
 */
export type AllocateStrategy = (
  group: string,
  currentClientId: string,
  queues: readonly MessageQueue[],
  clientIds: readonly string[],
) => MessageQueue[];

/**
 * RocketMQ's AllocateMessageQueueAveragely: consecutive blocks of queues; the first
 * `queues % consumers` consumers get one queue more.
 */
export const allocateAveragely: AllocateStrategy = (_group, currentClientId, queues, clientIds) => {
  const index = clientIds.indexOf(currentClientId);
  if (index < 0 || queues.length === 0) return [];
  const mod = queues.length % clientIds.length;
  const averageSize =
    queues.length <= clientIds.length
      ? 1
      : mod > 0 && index < mod
        ? Math.floor(queues.length / clientIds.length) + 1
        : Math.floor(queues.length / clientIds.length);
  const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
  const range = Math.min(averageSize, queues.length - startIndex);
  const out: MessageQueue[] = [];
  for (let i = 0; i < range; i++) out.push(queues[(startIndex + i) % queues.length]!);
  return out;
};

/** RocketMQ's AllocateMessageQueueAveragelyByCircle: queue i goes to consumer i % consumers. */
export const allocateByCircle: AllocateStrategy = (_group, currentClientId, queues, clientIds) => {
  const index = clientIds.indexOf(currentClientId);
  if (index < 0) return [];
  return queues.filter((_, i) => i % clientIds.length === index);
};
