import { LitePullConsumer, MQClientError, ResponseCode } from '@rocketnest/client';
import {
  bufferTime,
  concatMap,
  filter,
  firstValueFrom,
  lastValueFrom,
  take,
  toArray,
  type Subscription,
} from 'rxjs';
import { ackAfter, acknowledge, messageStream, type StreamMessage } from '../../src/streams';
import { committed, delay, eventually, sendMany, unique, useStreamCluster } from './support';

describe('messageStream', () => {
  const ctx = useStreamCluster();
  const options = (group: string) => ({
    nameServer: ctx.cluster.namesrvAddr,
    group,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const,
    rebalanceIntervalMs: 500,
  });
  const newTopic = async (queueNums: number) => {
    const topic = unique('T');
    await ctx.admin.createTopic(topic, { queueNums });
    return topic;
  };

  it('resumes after the last acknowledged message when resubscribed with the same group', async () => {
    const topic = await newTopic(2);
    const group = unique('CG');
    await sendMany(ctx.producer, topic, 200, 'r');
    const acked = new Set<string>();
    await lastValueFrom(
      messageStream(options(group), { topic, maxUnacked: 20 }).pipe(
        concatMap(async (m) => {
          await delay(1);
          m.ack();
          acked.add(m.body.toString());
        }),
        take(60),
      ),
    );
    expect(acked.size).toBe(60);
    // Unsubscribing committed exactly the acknowledged prefix of each queue.
    await eventually('60 committed', async () => (await committed(ctx.admin, group, topic)) === 60);

    const again = await firstValueFrom(
      messageStream(options(group), { topic }).pipe(
        ackAfter(async (m) => m.body.toString()),
        take(140),
        toArray(),
      ),
    );
    expect(again.filter((body) => acked.has(body))).toEqual([]);
    expect(new Set([...acked, ...again]).size).toBe(200);
  });

  it('with mergeMap concurrency, commits only up to the lowest unacknowledged offset of each queue', async () => {
    const topic = await newTopic(1);
    const group = unique('CG');
    await sendMany(ctx.producer, topic, 40, 'm');
    let running = 0;
    let peak = 0;
    let releaseSlow!: () => void;
    const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
    const handled = new Set<string>();
    const subscription: Subscription = messageStream(options(group), {
      topic,
      commitIntervalMs: 50,
    })
      .pipe(
        ackAfter(async (m: StreamMessage) => {
          running++;
          peak = Math.max(peak, running);
          if (m.body.toString() === 'm5') await slowDone;
          else await delay(5);
          running--;
          handled.add(m.body.toString());
        }, 4),
      )
      .subscribe();
    try {
      await eventually('all but the slow one handled', () => handled.size === 39);
      // The offset reaches m5 and stays there while m5 is unfinished.
      await eventually(
        'm0-m4 committed',
        async () => (await committed(ctx.admin, group, topic)) === 5,
      );
      await delay(300);
      expect(await committed(ctx.admin, group, topic)).toBe(5);
      releaseSlow();
      await eventually(
        'all committed',
        async () => (await committed(ctx.admin, group, topic)) === 40,
      );
      expect(peak).toBe(4);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('batches with bufferTime and acknowledges whole batches', async () => {
    const topic = await newTopic(2);
    const group = unique('CG');
    await sendMany(ctx.producer, topic, 120, 'b');
    const sizes: number[] = [];
    const bodies = await firstValueFrom(
      messageStream(options(group), { topic, maxUnacked: 50 }).pipe(
        bufferTime(100),
        filter((batch) => batch.length > 0),
        concatMap(async (batch) => {
          sizes.push(batch.length);
          return batch;
        }),
        acknowledge(),
        concatMap((batch) => batch.map((m) => m.body.toString())),
        take(120),
        toArray(),
      ),
    );
    expect(new Set(bodies).size).toBe(120);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    await eventually(
      'all committed',
      async () => (await committed(ctx.admin, group, topic)) === 120,
    );
  });

  it('errors with the consumer error when the topic does not exist', async () => {
    const error = await firstValueFrom(
      messageStream(options(unique('CG')), { topic: unique('NOPE') }),
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MQClientError);
    expect((error as MQClientError).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('refuses a consumer that commits on its own', async () => {
    const consumer = new LitePullConsumer({ ...options(unique('CG')), autoCommit: true });
    const error = await firstValueFrom(messageStream(consumer)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MQClientError);
    expect(String(error)).toMatch(/autoCommit: false/);
  });

  it('a handler error errors the stream without acknowledging: the message comes again', async () => {
    const topic = await newTopic(1);
    const group = unique('CG');
    await sendMany(ctx.producer, topic, 5, 'e');
    const failing = messageStream(options(group), { topic, commitIntervalMs: 50 }).pipe(
      ackAfter(async (m) => {
        if (m.body.toString() === 'e2') throw new Error('cannot handle e2');
      }),
    );
    await expect(lastValueFrom(failing)).rejects.toThrow('cannot handle e2');
    await eventually(
      'e0, e1 committed',
      async () => (await committed(ctx.admin, group, topic)) === 2,
    );
    const next = await firstValueFrom(messageStream(options(group), { topic }));
    expect(next.body.toString()).toBe('e2');
  });

  it('completes when its consumer is shut down', async () => {
    const topic = await newTopic(1);
    const consumer = new LitePullConsumer({ ...options(unique('CG')), autoCommit: false });
    const done = lastValueFrom(
      messageStream(consumer, { topic, pollTimeoutMs: 100 }).pipe(toArray()),
    );
    await eventually('consumer started', () => consumer.isRunning);
    await consumer.shutdown();
    await expect(done).resolves.toEqual([]);
  });
});
