import {
  Admin,
  MQClientError,
  Producer,
  PushConsumer,
  ResponseCode,
  type ConsumedMessage,
} from '../src';
import { eventually, unique, useClientCluster } from './support/cluster';

describe('Producer', () => {
  const cluster = useClientCluster(1);
  let producer: Producer;
  let admin: Admin;

  beforeAll(async () => {
    producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await producer.start();
    admin = new Admin({ nameServer: cluster.namesrvAddr });
  });
  afterAll(async () => {
    await producer.shutdown();
    await admin.close();
  });

  it('speaks the binary ROCKETMQ header serialization when asked, to name server and broker', async () => {
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 1 });
    const binary = new Producer({
      nameServer: cluster.namesrvAddr,
      group: unique('PID'),
      serializeType: 'ROCKETMQ',
    });
    await binary.start();
    try {
      const result = await binary.send({
        topic,
        body: 'binary',
        keys: 'kb',
        properties: { a: 'é' },
      });
      const viewed = await admin.viewMessage(topic, result.offsetMsgId);
      expect(viewed.body.toString()).toBe('binary');
      expect(viewed.properties.a).toBe('é');
    } finally {
      await binary.shutdown();
    }
  });

  it('sends and reports msgId (UNIQ_KEY), offsetMsgId, queue and offset', async () => {
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 4 });
    const result = await producer.send({ topic, body: 'hello', tags: 'A', keys: ['k1', 'k2'] });
    expect(result.status).toBe('SEND_OK');
    expect(result.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(result.offsetMsgId).not.toBe(result.msgId);
    expect(result.queue.topic).toBe(topic);
    expect(result.queueOffset).toBe(0);
    const viewed = await admin.viewMessage(topic, result.offsetMsgId);
    expect(viewed.body.toString()).toBe('hello');
    expect(viewed.msgId).toBe(result.msgId);
    expect(viewed.keys).toEqual(['k1', 'k2']);
    const byKey = await admin.queryMessageByKey(topic, 'k2');
    expect(byKey.map((m) => m.msgId)).toEqual([result.msgId]);
  });

  it('round-robins across queues and keeps many sends in flight', async () => {
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 4 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => producer.send({ topic, body: `m${i}` })),
    );
    const perQueue = new Map<number, number>();
    for (const r of results)
      perQueue.set(r.queue.queueId, (perQueue.get(r.queue.queueId) ?? 0) + 1);
    expect([...perQueue.values()]).toEqual([50, 50, 50, 50]);
    expect(
      (await admin.consumerLag('nobody', [topic])).reduce((s, q) => s + q.brokerOffset, 0),
    ).toBe(200);
  });

  it('routes messages with the same sharding key to the same queue', async () => {
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 8 });
    const a = await Promise.all(
      [1, 2, 3].map(() => producer.send({ topic, body: 'x', shardingKey: 'order-42' })),
    );
    expect(new Set(a.map((r) => r.queue.queueId)).size).toBe(1);
    const picked = await producer.send({ topic, body: 'x' }, { selector: (queues) => queues[5]! });
    expect(picked.queue.queueId).toBe(5);
  });

  it('rejects an unknown topic with TOPIC_NOT_EXIST', async () => {
    const err = await producer
      .send({ topic: unique('missing'), body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MQClientError);
    expect((err as MQClientError).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });

  it('rejects an empty body with MESSAGE_ILLEGAL', async () => {
    const err = await producer.send({ topic: 'x', body: '' }).catch((e: unknown) => e);
    expect((err as MQClientError).code).toBe(ResponseCode.MESSAGE_ILLEGAL);
  });

  it('compresses large bodies and batches, and consumers get them back intact', async () => {
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 2 });
    const big = Buffer.from('abcdefghij'.repeat(10_000));
    const group = unique('CG');
    const got: ConsumedMessage[] = [];
    const consumer = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      group,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    consumer.subscribe(topic, 'big || batch');
    await consumer.run({ eachMessage: async (m) => void got.push(m) });
    try {
      await producer.send({ topic, body: big, tags: 'big' });
      const batch = await producer.sendBatch(
        [1, 2, 3].map((i) => ({
          topic,
          body: `b${i}`,
          tags: 'batch',
          properties: { i: String(i) },
        })),
      );
      expect(batch.msgId.split(',')).toHaveLength(3);
      await producer.send({ topic, body: 'filtered out', tags: 'other' });
      await eventually('4 messages', () => got.length >= 4);
      const large = got.find((m) => m.tags === 'big')!;
      expect(large.body.equals(big)).toBe(true);
      expect(
        got
          .filter((m) => m.tags === 'batch')
          .map((m) => m.body.toString())
          .sort(),
      ).toEqual(['b1', 'b2', 'b3']);
      expect(got.find((m) => m.properties.i === '2')?.body.toString()).toBe('b2');
    } finally {
      await consumer.stop();
    }
  });
});
