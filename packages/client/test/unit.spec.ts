import {
  allocateAveragely,
  allocateByCircle,
  ProcessQueue,
  selectByHash,
  type ConsumedMessage,
  type MessageQueue,
} from '../src';

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
