import type { LitePullConsumer, MessageQueue } from '@rocketnest/client';
import { UsageError } from './options';
import { parseInteger, parseTimestamp } from './values';

/** Where a consumer without committed offsets starts reading each queue. */
export type StartPosition =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestamp: number };

export function parseStartPosition(from?: string, fromOffset?: string): StartPosition {
  if (from !== undefined && fromOffset !== undefined)
    throw new UsageError('give --from or --from-offset, not both');
  if (fromOffset !== undefined)
    return { kind: 'offset', offset: parseInteger(fromOffset, '--from-offset', 0) };
  if (from === undefined || from === 'end') return { kind: 'end' };
  if (from === 'beginning') return { kind: 'beginning' };
  return { kind: 'timestamp', timestamp: parseTimestamp(from, '--from') };
}

/** Moves every queue of the consumer to `position` (without committing anything). */
export async function seekAll(
  consumer: LitePullConsumer,
  queues: MessageQueue[],
  position: StartPosition,
  searchOffset: (queue: MessageQueue, timestamp: number) => Promise<number>,
): Promise<void> {
  for (const queue of queues) {
    if (position.kind === 'beginning') await consumer.seekToBeginning(queue);
    else if (position.kind === 'end') await consumer.seekToEnd(queue);
    else if (position.kind === 'offset') consumer.seek(queue, position.offset);
    else consumer.seek(queue, await searchOffset(queue, position.timestamp));
  }
}
