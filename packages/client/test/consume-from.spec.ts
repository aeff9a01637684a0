import { PushConsumer, type PushConsumerOptions } from '../src';
import { eventually, unique, useClientCluster, useClients } from './support/cluster';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('where a consumer group starts', () => {
  // Ratio 0: every queue's first message counts as swapped out of memory, as on a long-lived
  // topic. (On a young queue the broker answers offset 0 to a new group, like RocketMQ, so
  // nothing sent before the group's first start is missed whatever consumeFromWhere says.)
  const cluster = useClientCluster(1, { accessMessageInMemoryMaxRatio: 0 });
  const consumers: PushConsumer[] = [];

  const clients = useClients(cluster, consumers);

  /** Starts a consumer of `topic` collecting message bodies. */
  async function collect(
    topic: string,
    options: Partial<PushConsumerOptions> & { group: string },
  ): Promise<{ consumer: PushConsumer; bodies: string[] }> {
    const bodies: string[] = [];
    const consumer = new PushConsumer({
      nameServer: cluster.namesrvAddr,
      persistConsumerOffsetIntervalMs: 200,
      ...options,
    });
    consumers.push(consumer);
    consumer.subscribe(topic);
    await consumer.run({ eachMessage: (m) => void bodies.push(m.body.toString()) });
    await eventually('queues assigned', () =>
      consumer.assignedQueues.some((q) => q.topic === topic),
    );
    return { consumer, bodies };
  }

  async function sendAll(topic: string, bodies: string[]): Promise<void> {
    for (const body of bodies) await clients.producer.send({ topic, body });
  }

  /** A moment strictly between the messages stored before and after it. */
  async function boundary(): Promise<number> {
    await pause(50);
    const t = Date.now();
    await pause(50);
    return t;
  }

  it('a new group reads the backlog with CONSUME_FROM_FIRST_OFFSET and only new messages with CONSUME_FROM_LAST_OFFSET', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    await sendAll(topic, ['old0', 'old1', 'old2']);
    const first = await collect(topic, {
      group: unique('CG'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    const last = await collect(topic, {
      group: unique('CG'),
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    });
    await eventually(
      'last has every queue',
      () => last.consumer.assignedQueues.filter((q) => q.topic === topic).length === 2,
    );
    await sendAll(topic, ['new0', 'new1']);
    await eventually('first saw 5', () => first.bodies.length === 5);
    await eventually('last saw 2', () => last.bodies.length === 2);
    expect(first.bodies.sort()).toEqual(['new0', 'new1', 'old0', 'old1', 'old2']);
    expect(last.bodies.sort()).toEqual(['new0', 'new1']);
  });

  it('a new group with CONSUME_FROM_TIMESTAMP starts at the first message stored at or after the timestamp', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    await sendAll(topic, ['before0', 'before1', 'before2']);
    const t = await boundary();
    await sendAll(topic, ['after0', 'after1', 'after2']);
    const c = await collect(topic, {
      group: unique('CG'),
      consumeFromWhere: 'CONSUME_FROM_TIMESTAMP',
      consumeTimestamp: t,
    });
    await eventually('3 consumed', () => c.bodies.length >= 3);
    await pause(300);
    expect(c.bodies.sort()).toEqual(['after0', 'after1', 'after2']);
  });

  it('an Admin offset reset to a timestamp is where the restarted group consumes from', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const running = await collect(topic, {
      group,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    await sendAll(topic, ['a0', 'a1', 'a2', 'a3']);
    const t = await boundary();
    await sendAll(topic, ['b0', 'b1', 'b2']);
    await eventually('all consumed', () => running.bodies.length === 7);
    await eventually('lag 0', async () => (await clients.admin.totalLag(group, [topic])) === 0);
    await expect(clients.admin.resetOffsetByTimestamp(group, topic, t)).rejects.toThrow(/online/);
    await running.consumer.stop();

    const reset = await clients.admin.resetOffsetByTimestamp(group, topic, t);
    expect([...reset.values()].reduce((a, b) => a + b, 0)).toBe(4);
    expect(await clients.admin.totalLag(group, [topic])).toBe(3);
    const restarted = await collect(topic, { group });
    await eventually('b* again', () => restarted.bodies.length >= 3);
    await pause(300);
    expect(restarted.bodies.sort()).toEqual(['b0', 'b1', 'b2']);
  });
});
