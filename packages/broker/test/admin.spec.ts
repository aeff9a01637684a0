import {
  CreateTopicRequestHeader,
  DeleteTopicRequestHeader,
  RequestCode,
  ResponseCode,
  UpdateConsumerOffsetRequestHeader,
  decodeJsonBody,
  type TopicConfig,
  parseOffsetMessageId,
} from '@rocketnest/protocol';
import { GetConsumeStatsRequestHeader, GetTopicStatsInfoRequestHeader } from '../src';
import { createTopic } from './support/broker-test-client';
import { routeOf, useCluster } from './support/cluster';
import { parseFastjson } from './support/fastjson';

describe('topic administration and stats', () => {
  const cluster = useCluster();

  it('creates a topic and registers it at once: its route is on the name server', async () => {
    expect(await routeOf(cluster, 'AdminT')).toBe(ResponseCode.TOPIC_NOT_EXIST);
    const client = cluster.client();
    const response = await client.invoke(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      extFields: CreateTopicRequestHeader.encode({
        topic: 'AdminT',
        defaultTopic: 'TBW102',
        readQueueNums: 3,
        writeQueueNums: 2,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        order: false,
      }),
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const route = await routeOf(cluster, 'AdminT');
    expect(route).toMatchObject({
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 3, writeQueueNums: 2, perm: 6 }],
      brokerDatas: [
        {
          cluster: 'DefaultCluster',
          brokerName: 'broker-a',
          brokerAddrs: { 0: cluster.brokerAddr },
        },
      ],
    });
    await createTopic(client, 'AdminT', 5);
    expect(await routeOf(cluster, 'AdminT')).toMatchObject({
      queueDatas: [{ readQueueNums: 5, writeQueueNums: 5 }],
    });
  });

  it.each([
    [
      'a system topic',
      'SCHEDULE_TOPIC_XXXX',
      'The topic[SCHEDULE_TOPIC_XXXX] is conflict with system topic.',
    ],
    ['the broker name topic', 'broker-a', 'is conflict with system topic'],
    ['an illegal name', 'a/b', 'contains illegal characters'],
  ])('refuses to create %s', async (_what, topic, remark) => {
    const response = await cluster.client().invoke(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      extFields: CreateTopicRequestHeader.encode({
        topic,
        defaultTopic: 'TBW102',
        readQueueNums: 1,
        writeQueueNums: 1,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        order: false,
      }),
    });
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toContain(remark);
  });

  it('lists every topic config with the data version (GET_ALL_TOPIC_CONFIG)', async () => {
    const response = await cluster.client().invoke(RequestCode.GET_ALL_TOPIC_CONFIG);
    const body = decodeJsonBody<{
      topicConfigTable: Record<string, TopicConfig>;
      dataVersion: { counter: number };
    }>(response.body, 'TopicConfigSerializeWrapper');
    expect(Object.keys(body.topicConfigTable)).toEqual(
      expect.arrayContaining([
        'AdminT',
        'SCHEDULE_TOPIC_XXXX',
        'SELF_TEST_TOPIC',
        'DefaultCluster_REPLY_TOPIC',
      ]),
    );
    expect(body.topicConfigTable.TBW102).toBeUndefined(); // auto-create is off
    expect(body.topicConfigTable.SCHEDULE_TOPIC_XXXX?.readQueueNums).toBe(19);
    expect(body.dataVersion.counter).toBe(cluster.broker.store.topics.dataVersion.counter);
  });

  it('reports per-queue offsets and last update time (GET_TOPIC_STATS_INFO)', async () => {
    const client = cluster.client();
    await createTopic(client, 'StatsT', 2);
    await client.sendOk('StatsT', 'a', { queueId: 1 });
    const last = await client.sendOk('StatsT', 'b', { queueId: 1 });
    const stored = await cluster.broker.store.lookMessageByOffset(
      parseOffsetMessageId(last.msgId).commitLogOffset,
    );
    const response = await client.invoke(RequestCode.GET_TOPIC_STATS_INFO, {
      extFields: GetTopicStatsInfoRequestHeader.encode({ topic: 'StatsT' }),
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const text = response.body!.toString();
    expect(text).toContain(
      '{"brokerName":"broker-a","queueId":1,"topic":"StatsT"}:{"lastUpdateTimestamp"',
    );
    const table = (parseFastjson(text) as { offsetTable: Map<unknown, unknown> }).offsetTable;
    expect([...table.entries()]).toEqual([
      [
        { brokerName: 'broker-a', queueId: 0, topic: 'StatsT' },
        { lastUpdateTimestamp: 0, maxOffset: 0, minOffset: 0 },
      ],
      [
        { brokerName: 'broker-a', queueId: 1, topic: 'StatsT' },
        { lastUpdateTimestamp: stored!.storeTimestamp, maxOffset: 2, minOffset: 0 },
      ],
    ]);
    const missing = await client.invoke(RequestCode.GET_TOPIC_STATS_INFO, {
      extFields: GetTopicStatsInfoRequestHeader.encode({ topic: 'NoStats' }),
    });
    expect([missing.code, missing.remark]).toEqual([
      ResponseCode.TOPIC_NOT_EXIST,
      'topic[NoStats] not exist',
    ]);
  });

  it('reports broker offset, consumer offset and lag per queue (GET_CONSUME_STATS)', async () => {
    const client = cluster.client();
    await createTopic(client, 'LagT', 2);
    for (let i = 0; i < 5; i++) await client.sendOk('LagT', `m${i}`, { queueId: 0 });
    await client.invoke(RequestCode.UPDATE_CONSUMER_OFFSET, {
      extFields: UpdateConsumerOffsetRequestHeader.encode({
        consumerGroup: 'LagG',
        topic: 'LagT',
        queueId: 0,
        commitOffset: 2,
      }),
    });
    for (const topic of ['LagT', undefined]) {
      const response = await client.invoke(RequestCode.GET_CONSUME_STATS, {
        extFields: GetConsumeStatsRequestHeader.encode({ consumerGroup: 'LagG', topic }),
      });
      const stats = parseFastjson(response.body!.toString()) as {
        consumeTps: number;
        offsetTable: Map<unknown, Record<string, number>>;
      };
      const rows = [...stats.offsetTable.entries()].map(([mq, o]) => [
        mq,
        o.brokerOffset,
        o.consumerOffset,
        o.lag,
      ]);
      expect(rows).toEqual([
        [{ brokerName: 'broker-a', queueId: 0, topic: 'LagT' }, 5, 2, 3],
        [{ brokerName: 'broker-a', queueId: 1, topic: 'LagT' }, 0, 0, 0],
      ]);
      expect(stats.offsetTable.values().next().value?.lastTimestamp).toBeGreaterThan(0);
    }
  });

  it('deletes a topic with its queues and offsets (DELETE_TOPIC_IN_BROKER)', async () => {
    const client = cluster.client();
    await createTopic(client, 'Doomed', 1);
    await client.sendOk('Doomed', 'x');
    const response = await client.invoke(RequestCode.DELETE_TOPIC_IN_BROKER, {
      extFields: DeleteTopicRequestHeader.encode({ topic: 'Doomed' }),
    });
    expect(response.code).toBe(ResponseCode.SUCCESS);
    expect(cluster.broker.store.topics.get('Doomed')).toBeUndefined();
    expect(cluster.broker.store.getMaxOffsetInQueue('Doomed', 0)).toBe(0);
    expect((await client.send('Doomed', 'y')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    const system = await client.invoke(RequestCode.DELETE_TOPIC_IN_BROKER, {
      extFields: DeleteTopicRequestHeader.encode({ topic: 'SELF_TEST_TOPIC' }),
    });
    expect(system.code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  it('reports runtime info as a KV table (GET_BROKER_RUNTIME_INFO)', async () => {
    const response = await cluster.client().invoke(RequestCode.GET_BROKER_RUNTIME_INFO);
    const { table } = decodeJsonBody<{ table: Record<string, string> }>(response.body, 'KVTable');
    expect(table).toMatchObject({
      brokerVersionDesc: 'V4_9_8',
      brokerName: 'broker-a',
      brokerAddr: cluster.brokerAddr,
      pullRequestsHeld: '0',
    });
    expect(Number(table.msgPutTotalTodayNow)).toBeGreaterThan(0);
    expect(Number(table.commitLogMaxOffset)).toBe(cluster.broker.store.maxPhysicalOffset);
  });
});
