import {
  QueryConsumerOffsetRequestHeader,
  RequestCode,
  ResponseCode,
  OffsetResponseHeader,
  PullMessageRequestHeader,
} from '@rocketnest/protocol';
import { createTopic } from './support/broker-test-client';
import { useCluster } from './support/cluster';

const TAGS = ['A', 'B', 'A', 'C', 'A'];

describe('pulling', () => {
  const cluster = useCluster();

  beforeAll(async () => {
    const producer = cluster.client();
    await createTopic(producer, 'PullT', 2);
    for (const [i, tag] of TAGS.entries()) {
      await producer.sendOk('PullT', `m${i}`, { queueId: 0, properties: { TAGS: tag } });
    }
  });

  it('returns found messages in order with all four offset fields', async () => {
    const result = await cluster.client().pull({ topic: 'PullT', offset: 0, subscription: '*' });
    expect(result.code).toBe(ResponseCode.SUCCESS);
    expect(result.remark).toBe('FOUND');
    expect(result.header).toEqual({
      suggestWhichBrokerId: 0,
      nextBeginOffset: 5,
      minOffset: 0,
      maxOffset: 5,
    });
    expect(result.messages.map((m) => m.body.toString())).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(result.messages.map((m) => m.queueOffset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('honours maxMsgNums and continues from nextBeginOffset', async () => {
    const client = cluster.client();
    const first = await client.pull({
      topic: 'PullT',
      offset: 0,
      maxMsgNums: 2,
      subscription: '*',
    });
    expect(first.messages.map((m) => m.body.toString())).toEqual(['m0', 'm1']);
    expect(first.header?.nextBeginOffset).toBe(2);
    const next = await client.pull({ topic: 'PullT', offset: 2, maxMsgNums: 2, subscription: '*' });
    expect(next.messages.map((m) => m.body.toString())).toEqual(['m2', 'm3']);
    expect(next.header?.nextBeginOffset).toBe(4);
  });

  it.each([
    ['offset == max', 0, 5, ResponseCode.PULL_NOT_FOUND, 5, 'OFFSET_OVERFLOW_ONE'],
    ['offset > max', 0, 9, ResponseCode.PULL_OFFSET_MOVED, 0, 'OFFSET_OVERFLOW_BADLY'],
    ['an empty queue at 0', 1, 0, ResponseCode.PULL_NOT_FOUND, 0, 'NO_MATCHED_LOGIC_QUEUE'],
    ['an empty queue beyond 0', 1, 3, ResponseCode.PULL_OFFSET_MOVED, 0, 'NO_MATCHED_LOGIC_QUEUE'],
  ])(
    'maps %s to its response code and next offset',
    async (_what, queueId, offset, code, next, remark) => {
      const result = await cluster
        .client()
        .pull({ topic: 'PullT', queueId, offset, subscription: '*' });
      expect(result.code).toBe(code);
      expect(result.remark).toBe(remark);
      expect(result.header?.nextBeginOffset).toBe(next);
      expect(result.header?.suggestWhichBrokerId).toBe(0);
      expect(result.header?.maxOffset).toBe(queueId === 0 ? 5 : 0);
      expect(result.messages).toEqual([]);
    },
  );

  it('filters by tag hash with the request subscription', async () => {
    const client = cluster.client();
    const bc = await client.pull({ topic: 'PullT', offset: 0, subscription: 'B || C' });
    expect(bc.code).toBe(ResponseCode.SUCCESS);
    expect(bc.messages.map((m) => [m.queueOffset, m.properties.TAGS])).toEqual([
      [1, 'B'],
      [3, 'C'],
    ]);
    expect(bc.header?.nextBeginOffset).toBe(5);
    const none = await client.pull({ topic: 'PullT', offset: 0, subscription: 'Z' });
    expect(none.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(none.header?.nextBeginOffset).toBe(5);
  });

  it('uses the subscription registered by heartbeat when the request carries none', async () => {
    const client = cluster.client();
    const before = await client.pull({ group: 'HbGroup', topic: 'PullT', offset: 0 });
    expect(before.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    expect(before.remark).toContain('HbGroup');
    await client.heartbeatConsumer('c1', 'HbGroup', { PullT: 'A', Other: '*' }, 100);
    const onlyA = await client.pull({
      group: 'HbGroup',
      topic: 'PullT',
      offset: 0,
      subVersion: 100,
    });
    expect(onlyA.code).toBe(ResponseCode.SUCCESS);
    expect(onlyA.messages.map((m) => m.queueOffset)).toEqual([0, 2, 4]);
    const stale = await client.pull({
      group: 'HbGroup',
      topic: 'PullT',
      offset: 0,
      subVersion: 101,
    });
    expect(stale.code).toBe(ResponseCode.SUBSCRIPTION_NOT_LATEST);
    await createTopic(client, 'Unsubscribed', 1);
    const otherTopic = await client.pull({ group: 'HbGroup', topic: 'Unsubscribed', offset: 0 });
    expect(otherTopic.code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
    expect(otherTopic.remark).toContain('topic: Unsubscribed');
  });

  it('stores commitOffset when FLAG_COMMIT_OFFSET is set, whatever the pull finds', async () => {
    const client = cluster.client();
    await client.pull({
      group: 'CommitG',
      topic: 'PullT',
      offset: 5,
      subscription: '*',
      commitOffset: 3,
    });
    expect(cluster.broker.store.consumerOffsets.query('CommitG', 'PullT', 0)).toBe(3);
    const query = await client.invoke(RequestCode.QUERY_CONSUMER_OFFSET, {
      extFields: QueryConsumerOffsetRequestHeader.encode({
        consumerGroup: 'CommitG',
        topic: 'PullT',
        queueId: 0,
      }),
    });
    expect(OffsetResponseHeader.decode(query.extFields).offset).toBe(3);
    await client.pull({ group: 'NoCommitG', topic: 'PullT', offset: 0, subscription: '*' });
    expect(cluster.broker.store.consumerOffsets.query('NoCommitG', 'PullT', 0)).toBeUndefined();
  });

  it('refuses unknown topics, bad queues and SQL92 filters with their codes', async () => {
    const client = cluster.client();
    const unknown = await client.pull({ topic: 'Nope', offset: 0, subscription: '*' });
    expect([unknown.code, unknown.remark]).toEqual([
      ResponseCode.TOPIC_NOT_EXIST,
      'topic[Nope] not exist, apply first please!',
    ]);
    const badQueue = await client.pull({
      topic: 'PullT',
      queueId: 2,
      offset: 0,
      subscription: '*',
    });
    expect(badQueue.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(badQueue.remark).toMatch(
      /^queueId\[2\] is illegal, topic:\[PullT\] topicConfig.readQueueNums:\[2\]/,
    );
    const sql = await client.invoke(RequestCode.PULL_MESSAGE, {
      extFields: PullMessageRequestHeader.encode({
        consumerGroup: 'CG',
        topic: 'PullT',
        queueId: 0,
        queueOffset: 0,
        maxMsgNums: 1,
        sysFlag: 4,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: 'a > 1',
        subVersion: 0,
        expressionType: 'SQL92',
      }),
    });
    expect(sql.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(sql.remark).toContain('does not support consumer to filter message by SQL92');
  });

  it('serves LITE_PULL_MESSAGE (361) like PULL_MESSAGE', async () => {
    const client = cluster.client();
    const response = await client.invoke(RequestCode.LITE_PULL_MESSAGE, {
      extFields: PullMessageRequestHeader.encode({
        consumerGroup: 'Lite',
        topic: 'PullT',
        queueId: 0,
        queueOffset: 4,
        maxMsgNums: 8,
        sysFlag: 4 | 0x10,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: '*',
        subVersion: 0,
      }),
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(response.extFields?.nextBeginOffset).toBe('5');
  });
});
