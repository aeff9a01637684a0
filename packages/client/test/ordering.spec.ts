import { Admin, Producer, PushConsumer } from '../src';
import { eventually, unique, useClientCluster } from './support/cluster';

describe('orderly consumption', () => {
  const cluster = useClientCluster(1);

  it('10,000 messages over 8 queues stay in order per key while three consumers join and leave', async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    const producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await producer.start();
    const topic = unique('ORD');
    const group = unique('CG');
    await admin.createTopic(topic, { queueNums: 8 });
    const lastSeq = new Map<string, number>();
    const violations: string[] = [];
    let consumed = 0;
    const perMember: number[] = [];
    const start = async () => {
      const me = perMember.push(0) - 1;
      const c = new PushConsumer({
        nameServer: cluster.namesrvAddr,
        group,
        rebalanceIntervalMs: 300,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      });
      c.subscribe(topic);
      await c.run({
        orderly: true,
        batchSize: 8,
        eachBatch: async (msgs) => {
          for (const m of msgs) {
            const [key, seqText] = m.body.toString().split(':');
            const seq = Number(seqText);
            const last = lastSeq.get(key!) ?? -1;
            if (seq !== last + 1) violations.push(`${key}: ${last} -> ${seq}`);
            lastSeq.set(key!, Math.max(seq, last));
            consumed++;
            perMember[me]!++;
          }
          await new Promise((r) => setImmediate(r));
        },
      });
      return c;
    };
    const keys = 50;
    const total = 10_000;
    const sending = (async () => {
      for (let i = 0; i < total; i += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, j) => {
            const n = i + j;
            const key = `k${n % keys}`;
            return { key, seq: Math.floor(n / keys) };
          })
            .sort((a, b) => a.seq - b.seq)
            .map(({ key, seq }) =>
              producer.send({ topic, body: `${key}:${seq}`, shardingKey: key }),
            ),
        );
      }
    })();
    const a = await start();
    await eventually('some consumed', () => consumed > 1000, 20_000);
    const b = await start();
    await eventually('more consumed', () => consumed > 3000, 20_000);
    const c = await start();
    await eventually('even more consumed', () => consumed > 5000, 20_000);
    await a.stop();
    await eventually('most consumed', () => consumed > 7000, 20_000);
    await b.stop();
    await sending;
    await eventually(
      'all consumed',
      () => [...lastSeq.values()].every((s) => s === total / keys - 1) && lastSeq.size === keys,
      30_000,
    );
    await c.stop();
    expect(violations.slice(0, 10)).toEqual([]);
    expect(perMember.every((n) => n > 0)).toBe(true);
    await producer.shutdown();
    await admin.close();
  }, 60_000);
});
