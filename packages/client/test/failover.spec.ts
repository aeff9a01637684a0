import { Admin, Producer } from '../src';
import { unique, useClientCluster } from './support/cluster';

describe('send retries', () => {
  const cluster = useClientCluster(2);

  it('a send retries on the other broker when one broker is down', async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    const producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await producer.start();
    const topic = unique('T');
    await admin.createTopic(topic, { queueNums: 2 });
    const before = [];
    for (let i = 0; i < 8; i++) before.push(await producer.send({ topic, body: 'x' }));
    expect(new Set(before.map((r) => r.queue.brokerName))).toEqual(
      new Set(['broker-a', 'broker-b']),
    );
    await cluster.brokers[0]!.close();
    const after = [];
    for (let i = 0; i < 8; i++) after.push(await producer.send({ topic, body: 'y' }));
    expect(after.every((r) => r.queue.brokerName === 'broker-b')).toBe(true);
    // Sends of one turn travel as one batch, and a failed batch retries whole on the other broker.
    const batched = await Promise.all(
      Array.from({ length: 8 }, (_, i) => producer.send({ topic, body: `z${i}` })),
    );
    expect(batched.every((r) => r.queue.brokerName === 'broker-b')).toBe(true);
    const offsets = batched.map((r) => r.queueOffset);
    expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i));
    await producer.shutdown();
    await admin.close();
  });
});
