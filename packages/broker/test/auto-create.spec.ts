import { ResponseCode, type TopicRouteData } from '@rocketnest/protocol';
import { eventually, routeOf, useCluster } from './support/cluster';

describe('auto-create through TBW102', () => {
  const cluster = useCluster({ autoCreateTopicEnable: true, defaultTopicQueueNums: 8 });

  it('registers the TBW102 template (perm RWX) so 4.x producers find a route for new topics', async () => {
    expect(cluster.broker.store.topics.get('TBW102')).toMatchObject({
      readQueueNums: 8,
      writeQueueNums: 8,
      perm: 7,
    });
    expect(await routeOf(cluster, 'TBW102')).toMatchObject({
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 7 }],
      brokerDatas: [{ brokerAddrs: { 0: cluster.brokerAddr } }],
    });
  });

  it("creates an unknown topic on send with min(producer's default, 8) queues and registers it", async () => {
    const client = cluster.client();
    const header = await client.sendOk('AutoT', 'first', { defaultTopicQueueNums: 4, queueId: 3 });
    expect(header.queueOffset).toBe(0);
    expect(cluster.broker.store.topics.get('AutoT')).toMatchObject({
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
    });
    await eventually(
      'AutoT route registered',
      async () => typeof (await routeOf(cluster, 'AutoT')) === 'object',
    );
    const route = (await routeOf(cluster, 'AutoT')) as TopicRouteData;
    expect(route.queueDatas[0]).toMatchObject({ readQueueNums: 4, writeQueueNums: 4, perm: 6 });

    await client.sendOk('WideT', 'x', { defaultTopicQueueNums: 16 });
    expect(cluster.broker.store.topics.get('WideT')).toMatchObject({ writeQueueNums: 8 });
  });

  it('still refuses a queue beyond the created queues, and sends to TBW102 itself', async () => {
    const client = cluster.client();
    const beyond = await client.send('NarrowT', 'x', { defaultTopicQueueNums: 2, queueId: 2 });
    expect(beyond.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(beyond.remark).toContain('request queueId[2] is illegal');
    expect((await client.send('TBW102', 'x')).code).toBe(ResponseCode.NO_PERMISSION);
  });

  it('does not create from a template without the inherit perm', async () => {
    const response = await cluster
      .client()
      .send('FromPlain', 'x', { defaultTopic: 'SELF_TEST_TOPIC' });
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  });
});
