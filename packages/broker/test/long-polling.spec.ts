import { performance } from 'node:perf_hooks';
import { ResponseCode } from '@rocketnest/protocol';
import { createTopic, type PullResult } from './support/broker-test-client';
import { eventually, sleep, useCluster } from './support/cluster';

const MAX_SUSPEND_MS = 600;

describe('long polling', () => {
  const cluster = useCluster({ maxSuspendTimeoutMs: MAX_SUSPEND_MS });

  beforeAll(async () => {
    const admin = cluster.client();
    await createTopic(admin, 'LP', 4);
  });

  afterEach(() => expect(cluster.broker.heldPullRequests).toBe(0));

  it('answers a held pull within a few ms of the matching send (arrival, not a timer)', async () => {
    const consumer = cluster.client();
    const producer = cluster.client();
    await producer.sendOk('LP', 'warm-up', { queueId: 0 });
    const latencies: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const pull = consumer.pull({ topic: 'LP', offset: i, subscription: '*', suspendMs: 10_000 });
      await eventually('pull held', () => cluster.broker.heldPullRequests === 1);
      const sentAt = performance.now();
      const pulledAt = pull.then(() => performance.now());
      await producer.sendOk('LP', `m${i}`, { queueId: 0 });
      const result = await pull;
      latencies.push((await pulledAt) - sentAt);
      expect(result.code).toBe(ResponseCode.SUCCESS);
      expect(result.messages.map((m) => m.body.toString())).toEqual([`m${i}`]);
      expect(result.header?.nextBeginOffset).toBe(i + 1);
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[latencies.length >> 1]!;
    // Send round trip included; a polling timer would show up as hundreds of ms.
    expect(median).toBeLessThan(20);
    expect(latencies[latencies.length - 1]).toBeLessThan(250); // headroom for a loaded CI machine
  });

  it('keeps holding through non-matching arrivals and answers the first matching one', async () => {
    const consumer = cluster.client();
    const producer = cluster.client();
    const pull = consumer.pull({
      topic: 'LP',
      queueId: 1,
      offset: 0,
      subscription: 'wanted',
      suspendMs: 5000,
    });
    await eventually('pull held', () => cluster.broker.heldPullRequests === 1);
    await producer.sendOk('LP', 'other', { queueId: 1, properties: { TAGS: 'other' } });
    await sleep(30);
    expect(cluster.broker.heldPullRequests).toBe(1);
    const sentAt = performance.now();
    await producer.sendOk('LP', 'hit', { queueId: 1, properties: { TAGS: 'wanted' } });
    const result = await pull;
    expect(performance.now() - sentAt).toBeLessThan(500); // woken, not timed out (5 s)
    expect(result.code).toBe(ResponseCode.SUCCESS);
    expect(result.messages.map((m) => [m.queueOffset, m.body.toString()])).toEqual([[1, 'hit']]);
    expect(result.header?.nextBeginOffset).toBe(2);
  });

  it('is not woken by arrivals in another queue', async () => {
    const consumer = cluster.client();
    const pull = consumer.pull({
      topic: 'LP',
      queueId: 2,
      offset: 0,
      subscription: '*',
      suspendMs: 200,
    });
    await eventually('pull held', () => cluster.broker.heldPullRequests === 1);
    await cluster.client().sendOk('LP', 'elsewhere', { queueId: 3 });
    const result = await pull;
    expect(result.code).toBe(ResponseCode.PULL_NOT_FOUND);
  });

  it('answers PULL_NOT_FOUND with current offsets when the hold time passes', async () => {
    const started = performance.now();
    const result = await cluster
      .client()
      .pull({ topic: 'LP', offset: 21, subscription: '*', suspendMs: 250 });
    const elapsed = performance.now() - started;
    expect(result.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(result.header).toEqual({
      suggestWhichBrokerId: 0,
      nextBeginOffset: 21,
      minOffset: 0,
      maxOffset: 21,
    });
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(1000);
  });

  it('caps the hold at maxSuspendTimeoutMs', async () => {
    const started = performance.now();
    const result: PullResult = await cluster.client().pull({
      topic: 'LP',
      offset: 21,
      subscription: '*',
      suspendMs: 60_000,
    });
    const elapsed = performance.now() - started;
    expect(result.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(elapsed).toBeGreaterThanOrEqual(MAX_SUSPEND_MS - 10);
    expect(elapsed).toBeLessThan(MAX_SUSPEND_MS + 500);
  });

  it('answers at once, without holding, when the suspend flag is absent', async () => {
    const result = await cluster.client().pull({ topic: 'LP', offset: 21, subscription: '*' });
    expect(result.code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect(cluster.broker.heldPullRequests).toBe(0);
  });

  it('releases the held pulls of a client whose connection closes', async () => {
    const consumer = cluster.client();
    const pulls = [0, 1, 2].map(() =>
      consumer.pull({ topic: 'LP', queueId: 3, offset: 1, subscription: '*', suspendMs: 10_000 }),
    );
    const settled = Promise.allSettled(pulls);
    await eventually('pulls held', () => cluster.broker.heldPullRequests === 3);
    await consumer.close();
    await eventually('pulls released', () => cluster.broker.heldPullRequests === 0, 1000);
    const outcomes = await settled;
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
  });
});
