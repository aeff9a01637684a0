import {
  Admin,
  MQClientError,
  Producer,
  PushConsumer,
  ResponseCode,
  type ConsumedMessage,
  type MQBrokerError,
  type ProducerOptions,
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

  /** Runs `use` with a started producer of its own (these options), shut down afterwards. */
  async function withProducer<T>(
    options: Partial<ProducerOptions>,
    use: (p: Producer) => Promise<T>,
  ): Promise<T> {
    const p = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID'), ...options });
    await p.start();
    try {
      return await use(p);
    } finally {
      await p.shutdown();
    }
  }

  it('speaks the binary ROCKETMQ header serialization when asked, to name server and broker', async () => {
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 1 });
    await withProducer({ serializeType: 'ROCKETMQ' }, async (binary) => {
      const result = await binary.send({
        topic,
        body: 'binary',
        keys: 'kb',
        properties: { a: 'é' },
      });
      const viewed = await admin.viewMessage(topic, result.offsetMsgId);
      expect(viewed.body.toString()).toBe('binary');
      expect(viewed.properties.a).toBe('é');
    });
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
    const results = await withProducer({ autoBatch: false }, (single) =>
      Promise.all(Array.from({ length: 200 }, (_, i) => single.send({ topic, body: `m${i}` }))),
    );
    const perQueue = new Map<number, number>();
    for (const r of results)
      perQueue.set(r.queue.queueId, (perQueue.get(r.queue.queueId) ?? 0) + 1);
    expect([...perQueue.values()]).toEqual([50, 50, 50, 50]);
    expect(
      (await admin.consumerLag('nobody', [topic])).reduce((s, q) => s + q.brokerOffset, 0),
    ).toBe(200);
  });

  describe('autoBatch (on by default)', () => {
    // Each item's size counts its body plus a fixed allowance, so 50 of these make one batch.
    const BODY = 'x'.repeat(100);
    const ITEM_BYTES = 22 + BODY.length + 64;

    it('coalesces sends of one turn into batches, one queue per batch, each with its own result', async () => {
      const topic = unique('T');
      await admin.createTopic(topic, { queueNums: 4 });
      await withProducer({ batchMaxBytes: 50 * ITEM_BYTES }, async (batching) => {
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            batching.send({ topic, body: BODY, keys: `k${i}`, tags: i % 2 ? 'odd' : 'even' }),
          ),
        );
        // Four batches of 50, each stored in order in the next queue.
        const byQueue = new Map<number, number[]>();
        results.forEach((r, i) => {
          const list = byQueue.get(r.queue.queueId) ?? [];
          list.push(i);
          byQueue.set(r.queue.queueId, list);
          expect(r.queueOffset).toBe(i % 50);
        });
        expect([...byQueue.keys()].sort()).toEqual([0, 1, 2, 3]);
        for (const list of byQueue.values()) expect(list).toHaveLength(50);
        expect(new Set(results.map((r) => r.msgId)).size).toBe(200);
        expect(new Set(results.map((r) => r.offsetMsgId)).size).toBe(200);
        // Each message keeps its own id, keys and tags.
        for (const i of [0, 77, 199]) {
          const viewed = await admin.viewMessage(topic, results[i]!.offsetMsgId);
          expect(viewed.msgId).toBe(results[i]!.msgId);
          expect(viewed.keys).toEqual([`k${i}`]);
          expect(viewed.tags).toBe(i % 2 ? 'odd' : 'even');
          const byKey = await admin.queryMessageByKey(topic, `k${i}`);
          expect(byKey.map((m) => m.msgId)).toEqual([results[i]!.msgId]);
        }
      });
    });

    it('rejects every send of a failed batch with the error', async () => {
      const topic = unique('missing');
      const errors = await Promise.all(
        [1, 2, 3].map((i) => producer.send({ topic, body: `x${i}` }).catch((e: unknown) => e)),
      );
      for (const err of errors) {
        expect(err).toBeInstanceOf(MQClientError);
        expect((err as MQClientError).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      }
    });

    it('sends what is waiting before shutdown completes', async () => {
      const topic = unique('T');
      await admin.createTopic(topic, { queueNums: 2 });
      const p = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
      await p.start();
      await p.send({ topic, body: 'warm' }); // the route is cached: the next sends wait only for the turn
      const sends = [1, 2, 3].map((i) => p.send({ topic, body: `s${i}` }));
      await p.shutdown();
      const results = await Promise.all(sends);
      expect(results.map((r) => r.status)).toEqual(['SEND_OK', 'SEND_OK', 'SEND_OK']);
      const stored = await admin.consumerLag('nobody', [topic]);
      expect(stored.reduce((sum, q) => sum + q.brokerOffset, 0)).toBe(4);
    });

    it('sends a message with oversized properties alone: only that send fails', async () => {
      const topic = unique('T');
      await admin.createTopic(topic, { queueNums: 2 });
      const [before, huge, after] = await Promise.allSettled([
        producer.send({ topic, body: 'a' }),
        producer.send({ topic, body: 'b', properties: { big: 'x'.repeat(40_000) } }),
        producer.send({ topic, body: 'c' }),
      ]);
      expect(before.status).toBe('fulfilled');
      expect(after.status).toBe('fulfilled');
      expect(huge.status).toBe('rejected');
      expect(((huge as PromiseRejectedResult).reason as MQBrokerError).code).toBe(
        ResponseCode.MESSAGE_ILLEGAL,
      );
    });

    it('leaves delayed, ordered and compressed sends out of batches', async () => {
      const topic = unique('T');
      await admin.createTopic(topic, { queueNums: 4 });
      const [plainA, plainB, delayed, ordered, big] = await Promise.all([
        producer.send({ topic, body: 'a' }),
        producer.send({ topic, body: 'b' }),
        producer.send({ topic, body: 'd', delayLevel: 1 }),
        producer.send({ topic, body: 'o' }, { selector: (queues) => queues[3]! }),
        producer.send({ topic, body: Buffer.alloc(10_000, 1) }),
      ]);
      expect(plainB!.queue).toEqual(plainA!.queue);
      expect(plainB!.queueOffset).toBe(plainA!.queueOffset + 1);
      expect(ordered!.queue.queueId).toBe(3);
      // A batch holding the delayed message would have been refused as a whole.
      expect(delayed!.status).toBe('SEND_OK');
      const viewed = await admin.viewMessage(topic, big!.offsetMsgId);
      expect(viewed.body).toEqual(Buffer.alloc(10_000, 1));
    });
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
