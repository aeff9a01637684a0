import { Producer, PushConsumer, dlqTopicOf, type ConsumedMessage } from '../src';
import { eventually, unique, useClientCluster, useClients } from './support/cluster';
import { tempDir } from '../../../test/support/temp-dir';

describe('PushConsumer', () => {
  const cluster = useClientCluster(1);
  const consumers: PushConsumer[] = [];
  const consumer = (
    options: Partial<ConstructorParameters<typeof PushConsumer>[0]> & { group: string },
  ) => {
    const c = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      rebalanceIntervalMs: 1000,
      ...options,
    });
    consumers.push(c);
    return c;
  };

  const clients = useClients(cluster, consumers);

  it('retries failed messages with the real topic, then sends them to the DLQ after maxReconsumeTimes', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const attempts: ConsumedMessage[] = [];
    const c = consumer({
      group,
      maxReconsumeTimes: 2,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic);
    await c.run({
      eachMessage: async (m) => {
        attempts.push(m);
        if (m.body.toString() === 'bad') throw new Error('cannot handle');
      },
    });
    const sent = await clients.producer.send({ topic, body: 'bad', keys: 'bad-key' });
    await clients.producer.send({ topic, body: 'good' });
    await eventually(
      '3 attempts of the bad message',
      () => attempts.filter((m) => m.body.toString() === 'bad').length >= 3,
      20_000,
    );
    const bad = attempts.filter((m) => m.body.toString() === 'bad');
    expect(bad.map((m) => m.reconsumeTimes)).toEqual([0, 1, 2]);
    expect(bad.every((m) => m.topic === topic && m.msgId === sent.msgId)).toBe(true);
    expect(attempts.filter((m) => m.body.toString() === 'good')).toHaveLength(1);
    await eventually(
      'message in the DLQ',
      async () => {
        const lag = await clients.admin.consumerLag('probe', [dlqTopicOf(group)]).catch(() => []);
        return lag.some((q) => q.brokerOffset === 1);
      },
      10_000,
    );
    expect(attempts.filter((m) => m.body.toString() === 'bad')).toHaveLength(3);
  });

  it('broadcasting delivers every message to every member and keeps offsets in a local file', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 4 });
    const dir = tempDir('rocketnest-offsets-');
    const seen = [new Set<string>(), new Set<string>()];
    for (const [i, set] of seen.entries()) {
      const c = consumer({
        group,
        messageModel: 'BROADCASTING',
        offsetStoreDir: dir,
        instanceName: `m${i}`,
        persistConsumerOffsetIntervalMs: 200,
      });
      c.subscribe(topic);
      await c.run({ eachMessage: (m) => void set.add(m.body.toString()) });
    }
    for (let i = 0; i < 40; i++) await clients.producer.send({ topic, body: `b${i}` });
    await eventually('both members saw all', () => seen.every((s) => s.size === 40));
    const fs = await import('node:fs');
    await eventually('offset file written', () => fs.existsSync(`${dir}/m0/${group}/offsets.json`));
  });

  it('rebalances queues across members and commits offsets the admin reports as lag', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 8 });
    const counts = new Map<string, number>();
    const members = [0, 1].map(() => consumer({ group, persistConsumerOffsetIntervalMs: 200 }));
    for (const m of members) {
      m.subscribe(topic);
      await m.run({
        concurrency: 4,
        eachMessage: (msg) =>
          void counts.set(msg.body.toString(), (counts.get(msg.body.toString()) ?? 0) + 1),
      });
    }
    await eventually('queues split 4/4', () =>
      members.every((m) => m.assignedQueues.filter((q) => q.topic === topic).length === 4),
    );
    for (let i = 0; i < 100; i++) await clients.producer.send({ topic, body: `r${i}` });
    await eventually('all consumed', () => counts.size === 100);
    await eventually('lag 0', async () => (await clients.admin.totalLag(group, [topic])) === 0);
    for (const m of members) await m.stop();
    for (let i = 0; i < 7; i++) await clients.producer.send({ topic, body: `late${i}` });
    expect(await clients.admin.totalLag(group, [topic])).toBe(7);
  });

  it('request-reply: the reply comes back to the requester', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const replier = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await replier.start();
    const c = consumer({ group: unique('CG') });
    c.subscribe(topic);
    await c.run({
      eachMessage: async (m) => void (await replier.reply(m, `pong:${m.body.toString()}`)),
    });
    try {
      const reply = await clients.producer.request({ topic, body: 'ping' }, 5000);
      expect(reply.body.toString()).toBe('pong:ping');
    } finally {
      await replier.shutdown();
    }
  });
});
