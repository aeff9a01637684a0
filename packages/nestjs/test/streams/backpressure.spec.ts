import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LitePullConsumer } from '@rocketnest/client';
import { firstValueFrom, take, tap, toArray } from 'rxjs';
import { ackAfter, messageStream } from '../../src/streams';
import { delay, eventually, sendMany, unique, useStreamCluster } from './support';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('messageStream with a slow subscriber', () => {
  const ctx = useStreamCluster();

  it('keeps buffered and unacknowledged messages within the bound over a 20 MiB backlog, and the heap does not grow with it', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await ctx.admin.createTopic(topic, { queueNums: 4 });
    const backlog = 20_000;
    await sendMany(ctx.producer, topic, backlog, 'b', 1024);

    const consumer = new LitePullConsumer({
      nameServer: ctx.cluster.namesrvAddr,
      group,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      autoCommit: false,
      pullBatchSize: 16,
      bufferPerQueue: 16,
    });
    const maxUnacked = 50;
    // Each queue holds at most bufferPerQueue plus one pull batch fetched ahead.
    const maxBuffered = 4 * (16 + 16);
    const before = heapAfterGc();
    let emitted = 0;
    let acked = 0;
    let worstBuffered = 0;
    let worstUnacked = 0;
    const sampler = setInterval(() => {
      worstBuffered = Math.max(worstBuffered, consumer.bufferedCount);
      worstUnacked = Math.max(worstUnacked, emitted - acked);
    }, 5);
    try {
      const handled = await firstValueFrom(
        messageStream(consumer, { topic, maxUnacked }).pipe(
          tap(() => emitted++),
          ackAfter(async (m) => {
            await delay(2);
            acked++;
            return m.queueOffset;
          }),
          take(600),
          toArray(),
        ),
      );
      expect(handled).toHaveLength(600);
    } finally {
      clearInterval(sampler);
    }
    const grown = heapAfterGc() - before;
    if (process.env.STREAM_FIGURES) console.log({ worstBuffered, worstUnacked, grown });
    await consumer.shutdown();
    expect(worstBuffered).toBeGreaterThan(0);
    expect(worstBuffered).toBeLessThanOrEqual(maxBuffered);
    expect(worstUnacked).toBeLessThanOrEqual(maxUnacked);
    // Pulling the backlog would hold 20 MiB of bodies.
    expect(grown).toBeLessThan(6 * 1024 * 1024);
    await eventually('the backlog is still mostly on the broker', async () => {
      const lag = await ctx.admin.totalLag(group, [topic]);
      return lag > backlog - 1000 && lag < backlog;
    });
  }, 60_000);
});
