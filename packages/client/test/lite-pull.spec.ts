import { LitePullConsumer, MQClientError, type ConsumedMessage } from '../src';
import { eventually, unique, useClientCluster, useClients } from './support/cluster';

describe('LitePullConsumer', () => {
  const cluster = useClientCluster(1);
  const consumers: LitePullConsumer[] = [];
  const consumer = async (
    group: string,
    extra: Partial<ConstructorParameters<typeof LitePullConsumer>[0]> = {},
  ) => {
    const c = new LitePullConsumer({
      nameServer: cluster.namesrvAddr,
      group,
      pollTimeoutMs: 2000,
      ...extra,
    });
    await c.start();
    consumers.push(c);
    return c;
  };

  const clients = useClients(cluster, consumers);

  async function drain(c: LitePullConsumer, count: number): Promise<ConsumedMessage[]> {
    const got: ConsumedMessage[] = [];
    const deadline = Date.now() + 15_000;
    while (got.length < count && Date.now() < deadline) got.push(...(await c.poll(1000)));
    return got;
  }

  it('polls every message of its assigned queues, commits, and a new consumer resumes after the commit', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 4 });
    const c = await consumer(group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      autoCommit: false,
    });
    const queues = await c.queuesOf(topic);
    expect(queues).toHaveLength(4);
    await c.assign(queues);
    for (let i = 0; i < 40; i++) await clients.producer.send({ topic, body: `m${i}` });
    const got = await drain(c, 40);
    expect(got.map((m) => m.body.toString()).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `m${i}`).sort(),
    );
    // Per queue, in queue order.
    for (const q of queues) {
      const offsets = got.filter((m) => m.queueId === q.queueId).map((m) => m.queueOffset);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    await c.commit();
    expect(await clients.admin.totalLag(group, [topic])).toBe(0);

    await clients.producer.send({ topic, body: 'after-commit' });
    const next = await consumer(group, {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      autoCommit: false,
    });
    await next.assign(queues);
    expect((await drain(next, 1)).map((m) => m.body.toString())).toEqual(['after-commit']);
  });

  it('seeks back, pauses and resumes queues', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 2 });
    const c = await consumer(unique('CG'), { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    const [q0, q1] = await c.queuesOf(topic);
    await c.assign([q0!, q1!]);
    for (let i = 0; i < 6; i++)
      await clients.producer.send({ topic, body: `s${i}` }, { queue: i % 2 === 0 ? q0! : q1! });
    expect(await drain(c, 6)).toHaveLength(6);

    c.seek(q0!, 0);
    const again = await drain(c, 3);
    expect(again.map((m) => m.body.toString())).toEqual(['s0', 's2', 's4']);

    c.pause([q1!]);
    await clients.producer.send({ topic, body: 'to-q1' }, { queue: q1! });
    await clients.producer.send({ topic, body: 'to-q0' }, { queue: q0! });
    const whilePaused = await drain(c, 1);
    expect(whilePaused.map((m) => m.body.toString())).toEqual(['to-q0']);
    expect(await c.poll(300)).toEqual([]);
    c.resume([q1!]);
    expect((await drain(c, 1)).map((m) => m.body.toString())).toEqual(['to-q1']);
  });

  it('is an async iterable', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 1 });
    const c = await consumer(unique('CG'), { consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    await c.assign(await c.queuesOf(topic));
    for (let i = 0; i < 5; i++) await clients.producer.send({ topic, body: `i${i}` });
    const seen: string[] = [];
    for await (const msg of c) {
      seen.push(msg.body.toString());
      if (seen.length === 5) break;
    }
    expect(seen).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
  });

  it('subscribe mode: members split the queues, and when one leaves the other takes over from its last commit', async () => {
    const topic = unique('T');
    const group = unique('CG');
    await clients.admin.createTopic(topic, { queueNums: 4 });
    const member = async () => {
      const c = new LitePullConsumer({
        nameServer: cluster.namesrvAddr,
        group,
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        autoCommit: false,
        rebalanceIntervalMs: 500,
      });
      consumers.push(c);
      c.subscribe(topic);
      await c.start();
      return c;
    };
    const a = await member();
    const b = await member();
    await eventually('queues split 2/2', () => [a, b].every((c) => c.assignedQueues.length === 2));
    const ownQueues = (c: LitePullConsumer) => new Set(c.assignedQueues.map((q) => q.queueId));
    expect([...ownQueues(a)].some((q) => ownQueues(b).has(q))).toBe(false);

    for (let i = 0; i < 80; i++) await clients.producer.send({ topic, body: `s${i}` });
    const seen = new Map<string, number>();
    const record = (msgs: ConsumedMessage[]) => {
      for (const m of msgs) seen.set(m.body.toString(), (seen.get(m.body.toString()) ?? 0) + 1);
    };
    const fromA = await drain(a, 40);
    const fromB = await drain(b, 40);
    expect(fromA.every((m) => ownQueues(a).has(m.queueId))).toBe(true);
    record(fromA);
    record(fromB);
    await a.commit();
    await b.commit();

    // a polls more, does not commit them, and leaves: the next owner must get them again.
    for (let i = 80; i < 120; i++) await clients.producer.send({ topic, body: `s${i}` });
    const uncommitted = await drain(a, 1);
    expect(uncommitted.length).toBeGreaterThan(0);
    record(uncommitted);
    await a.shutdown();
    await eventually('b owns every queue', () => b.assignedQueues.length === 4, 15_000);
    const rest: ConsumedMessage[] = [];
    await eventually(
      'every message seen',
      async () => {
        rest.push(...(await b.poll(200)));
        // What a and b committed, plus what b polls now: a's uncommitted ones must come again.
        const bodies = new Set([...fromA, ...fromB, ...rest].map((m) => m.body.toString()));
        return bodies.size === 120;
      },
      15_000,
    );
    record(rest);
    await b.commit();
    const duplicates = [...seen].filter(([, n]) => n > 1).map(([body]) => body);
    const uncommittedBodies = uncommitted.map((m) => m.body.toString());
    expect(duplicates.every((d) => uncommittedBodies.includes(d))).toBe(true);
    expect(await clients.admin.totalLag(group, [topic])).toBe(0);
  });

  it('refuses to mix subscribe and assign modes', async () => {
    const topic = unique('T');
    await clients.admin.createTopic(topic, { queueNums: 1 });
    const assigned = await consumer(unique('CG'));
    await assigned.assign(await assigned.queuesOf(topic));
    expect(() => assigned.subscribe(topic)).toThrow(MQClientError);
    const subscribed = new LitePullConsumer({
      nameServer: cluster.namesrvAddr,
      group: unique('CG'),
    });
    subscribed.subscribe(topic);
    await expect(subscribed.assign([])).rejects.toThrow(/mutually exclusive/);
  });
});
