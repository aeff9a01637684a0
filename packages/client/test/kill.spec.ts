import { join } from 'node:path';
import { Admin, Producer, PushConsumer } from '../src';
import { startNodeProcess } from '../../../test/support/child-process';
import { eventually, unique, useClientCluster } from './support/cluster';

describe('at-least-once', () => {
  const cluster = useClientCluster(1);

  it('a consumer killed with kill -9 mid-batch loses no message', async () => {
    const admin = new Admin({ nameServer: cluster.namesrvAddr });
    const producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await producer.start();
    const topic = unique('T');
    const group = unique('CG');
    await admin.createTopic(topic, { queueNums: 4 });
    const total = 400;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => producer.send({ topic, body: `m${i + j}` })),
      );
    }
    const child = await startNodeProcess(
      join(__dirname, 'fixtures/slow-consumer.js'),
      [cluster.namesrvAddr, group, topic],
      /ready/,
    );
    await eventually(
      'child consumed some',
      () => (child.output().match(/consumed/g) ?? []).length > 100,
    );
    await child.stop('SIGKILL');
    const seen = new Set(child.output().match(/m\d+/g));
    expect(seen.size).toBeLessThan(total);
    const survivor = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      group,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    survivor.subscribe(topic);
    await survivor.run({ eachMessage: (m) => void seen.add(m.body.toString()) });
    await eventually('every message consumed at least once', () => seen.size === total, 20_000);
    await survivor.stop();
    await producer.shutdown();
    await admin.close();
  });
});
