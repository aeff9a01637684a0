import {
  allocateAveragely,
  allocateByCircle,
  ProcessQueue,
  selectByHash,
  type ConsumedMessage,
  type MessageQueue,
} from '../src';
import { SendAccumulator } from '../src/send-accumulator';

const queues = (n: number): MessageQueue[] =>
  Array.from({ length: n }, (_, i) => ({ topic: 'T', brokerName: 'b', queueId: i }));
const msg = (queueOffset: number): ConsumedMessage =>
  ({ queueOffset, body: Buffer.from('x'), properties: {}, keys: [] }) as unknown as ConsumedMessage;

describe('allocation strategies', () => {
  it('averagely gives consecutive blocks, the first members one more', () => {
    const ids = ['c0', 'c1', 'c2'];
    const got = ids.map((id) => allocateAveragely('g', id, queues(8), ids).map((q) => q.queueId));
    expect(got).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
  });

  it('every queue goes to exactly one member, more members than queues leaves some idle', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const got = ids.map((id) => allocateAveragely('g', id, queues(3), ids).map((q) => q.queueId));
    expect(got).toEqual([[0], [1], [2], [], []]);
    expect(allocateAveragely('g', 'unknown', queues(3), ids)).toEqual([]);
    expect(
      ids.flatMap((id) => allocateByCircle('g', id, queues(7), ids).map((q) => q.queueId)).sort(),
    ).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe('ProcessQueue', () => {
  it('commits only up to the lowest unfinished offset', () => {
    const pq = new ProcessQueue(queues(1)[0]!);
    const m = [10, 11, 12, 13].map(msg);
    expect(pq.put(m)).toHaveLength(4);
    pq.advance(14);
    expect(pq.remove([m[1]!, m[2]!])).toBe(10);
    expect(pq.count).toBe(2);
    expect(pq.remove([m[0]!])).toBe(13);
    expect(pq.remove([m[3]!])).toBe(14);
    expect(pq.put([msg(12)])).toHaveLength(0);
    expect(pq.size).toBe(0);
  });

  it('peeks in order for orderly consumption', () => {
    const pq = new ProcessQueue(queues(1)[0]!);
    pq.put([5, 6, 7].map(msg));
    expect(pq.peek(2).map((x) => x.queueOffset)).toEqual([5, 6]);
  });
});

describe('selectByHash', () => {
  it('is Java SelectMessageQueueByHash: |String.hashCode| % queues', () => {
    // "order-1".hashCode() in Java is -1207111310
    expect(selectByHash('order-1')(queues(8), { topic: 'T', body: '' }).queueId).toBe(
      1207111310 % 8,
    );
  });
});

describe('SendAccumulator', () => {
  type Sent = { key: string; items: string[] };
  const make = (maxBytes: number, lingerMs = 0) => {
    const sent: Sent[] = [];
    const acc = new SendAccumulator<{ key: string; v: string }, string>({
      maxBytes,
      lingerMs,
      sizeOf: (item) => item.v.length,
      send: async (batch) => {
        sent.push({ key: batch[0]!.item.key, items: batch.map((p) => p.item.v) });
        for (const p of batch) p.resolve(`ok:${p.item.v}`);
      },
    });
    const add = (key: string, v: string) => acc.add(key, { key, v }, 1000);
    return { acc, sent, add };
  };

  it('sends what one turn added as one batch per key, in order', async () => {
    const { sent, add } = make(1000);
    const results = await Promise.all([add('a', '1'), add('b', '2'), add('a', '3')]);
    expect(results).toEqual(['ok:1', 'ok:2', 'ok:3']);
    expect(sent).toEqual([
      { key: 'a', items: ['1', '3'] },
      { key: 'b', items: ['2'] },
    ]);
  });

  it('starts a new batch when the next item would pass maxBytes', async () => {
    const { sent, add } = make(4);
    await Promise.all(['aa', 'bb', 'cc', 'ddddd'].map((v) => add('k', v)));
    expect(sent.map((s) => s.items)).toEqual([['aa', 'bb'], ['cc'], ['ddddd']]);
  });

  it('with lingerMs, gathers sends from later turns too', async () => {
    const { sent, add } = make(1000, 30);
    const first = add('k', '1');
    await new Promise((r) => setImmediate(r));
    const second = add('k', '2');
    await Promise.all([first, second]);
    expect(sent).toEqual([{ key: 'k', items: ['1', '2'] }]);
  });

  it('rejects every item of a batch whose send throws, and drain waits for sends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const acc = new SendAccumulator<string, string>({
      maxBytes: 100,
      lingerMs: 0,
      sizeOf: () => 1,
      send: async () => {
        await gate;
        throw new Error('broker gone');
      },
    });
    const results = ['x', 'y'].map((v) => acc.add('k', v, 1000).catch((e: Error) => e.message));
    let drained = false;
    const drain = acc.drain().then(() => (drained = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false);
    release();
    await drain;
    expect(await Promise.all(results)).toEqual(['broker gone', 'broker gone']);
  });
});
