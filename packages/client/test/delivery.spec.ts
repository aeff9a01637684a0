import {
  LitePullConsumer,
  PushConsumer,
  dlqTopicOf,
  type ConsumedMessage,
  type PushConsumerOptions,
  type RunOptions,
} from '../src';
import { tempDir } from '../../../test/support/temp-dir';
import { eventually, unique, useClientCluster, useClients } from './support/cluster';

describe('delivery', () => {
  // The test cluster's delay levels are all 1 s (FAST_DELAY_LEVELS).
  const cluster = useClientCluster(1);
  const consumers: PushConsumer[] = [];

  const clients = useClients(cluster, consumers);

  async function consume(
    topic: string,
    options: Partial<PushConsumerOptions> & { group: string },
    run: RunOptions,
  ): Promise<PushConsumer> {
    const c = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      rebalanceIntervalMs: 500,
      ...options,
    });
    consumers.push(c);
    c.subscribe(topic);
    await c.run(run);
    await eventually('queues assigned', () => c.assignedQueues.some((q) => q.topic === topic));
    return c;
  }

  /** Consumes `topic` from its first offset, recording when each message arrived. */
  async function arrivals(topic: string): Promise<Map<string, number>> {
    const at = new Map<string, number>();
    await consume(
      topic,
      { group: unique('CG'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' },
      { eachMessage: (m) => void at.set(m.body.toString(), Date.now()) },
    );
    return at;
  }

  it('a oneway send arrives', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const at = await arrivals(topic);
    await clients.producer.sendOneway({ topic, body: 'fire-and-forget', tags: 'oneway' });
    await eventually('oneway message consumed', () => at.has('fire-and-forget'));
  });

  it('a message with a delay level arrives after the level delay, and one with deliverAt not before that time', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const at = await arrivals(topic);
    const sentAt = Date.now();
    const deliverAt = sentAt + 1500;
    await clients.producer.send({ topic, body: 'delayed', delayLevel: 1 });
    await clients.producer.send({ topic, body: 'timed', deliverAt });
    await clients.producer.send({ topic, body: 'now' });
    await eventually('all three consumed', () => at.size === 3, 15_000);
    expect(at.get('now')! - sentAt).toBeLessThan(1000);
    expect(at.get('delayed')! - sentAt).toBeGreaterThanOrEqual(1000);
    // The broker's timer works in whole ticks; allow it to fire one tick (100 ms) early at most.
    expect(at.get('timed')!).toBeGreaterThanOrEqual(deliverAt - 100);
  });

  it('an orderly listener sends a message that keeps failing to the DLQ after maxReconsumeTimes and moves on', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 1 });
    const attempts: number[] = [];
    const order: string[] = [];
    await consume(
      topic,
      {
        group,
        maxReconsumeTimes: 2,
        suspendCurrentQueueTimeMs: 100,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      },
      {
        orderly: true,
        eachMessage: (m) => {
          order.push(m.body.toString());
          if (m.body.toString() !== 'poison') return 'SUCCESS';
          attempts.push(m.reconsumeTimes);
          return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
        },
      },
    );
    for (const body of ['first', 'poison', 'after']) await clients.producer.send({ topic, body });
    await eventually('after consumed', () => order.includes('after'), 15_000);
    expect(attempts).toEqual([0, 1, 2]);
    expect(order).toEqual(['first', 'poison', 'poison', 'poison', 'after']);

    const dlq = new LitePullConsumer({
      nameServer: cluster.namesrvAddr,
      group: unique('CG'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    await dlq.start();
    try {
      await eventually('DLQ topic routed', async () =>
        dlq.queuesOf(dlqTopicOf(group)).then(
          () => true,
          () => false,
        ),
      );
      await dlq.assign(await dlq.queuesOf(dlqTopicOf(group)));
      const dead: ConsumedMessage[] = [];
      await eventually('dead letter read', async () => {
        dead.push(...(await dlq.poll(200)));
        return dead.length > 0;
      });
      expect(dead.map((m) => m.body.toString())).toEqual(['poison']);
    } finally {
      await dlq.shutdown();
    }
  });

  it('a broadcasting consumer restarted with the same instance name resumes from its locally stored offsets', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const options = {
      group,
      messageModel: 'BROADCASTING' as const,
      offsetStoreDir: tempDir('rocketnest-offsets-'),
      instanceName: 'restarting',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const,
    };
    const firstRun: string[] = [];
    const c = await consume(topic, options, {
      eachMessage: (m) => void firstRun.push(m.body.toString()),
    });
    for (let i = 0; i < 6; i++) await clients.producer.send({ topic, body: `before${i}` });
    await eventually('first run consumed 6', () => firstRun.length === 6);
    await c.stop();
    for (let i = 0; i < 4; i++) await clients.producer.send({ topic, body: `while-down${i}` });

    const secondRun: string[] = [];
    await consume(topic, options, { eachMessage: (m) => void secondRun.push(m.body.toString()) });
    await eventually('second run consumed 4', () => secondRun.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondRun.sort()).toEqual(['while-down0', 'while-down1', 'while-down2', 'while-down3']);
  });
});
