import {
  createRequest,
  decodeJsonBody,
  Perm,
  RequestCode,
  ResponseCode,
  topicConfig,
  type ClusterInfo,
  type TopicList,
} from '@rocketnest/protocol';
import {
  register,
  registerBrokerRequest,
  routeOf,
  routeRequest,
  type FakeBroker,
} from './support/broker-fixture';
import { nameServerHarness } from './support/name-server-harness';

const A: FakeBroker = { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911' };
const B: FakeBroker = { brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911' };

describe('NameServer over TCP', () => {
  const ns = nameServerHarness();

  it('serves the route of a registered topic: queue data and the master under key "0"', async () => {
    await ns.start();
    const broker = ns.client();
    const registered = await register(broker, ns.address, A, { topics: { Orders: 4 }, crc: true });
    expect(registered.extFields).toEqual({});

    const response = await ns.client().invoke(ns.address, routeRequest('Orders'));
    expect(response.code).toBe(ResponseCode.SUCCESS);
    const text = response.body!.toString('utf8');
    // Standard JSON: the broker id key is quoted, unlike fastjson's legacy `{0:"..."}`.
    expect(text).toContain('"brokerAddrs":{"0":"10.0.0.1:10911"}');
    expect(JSON.parse(text)).toEqual({
      queueDatas: [
        { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
      ],
      brokerDatas: [
        { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: { 0: '10.0.0.1:10911' } },
      ],
      filterServerTable: {},
    });
  });

  it('answers an unknown topic with TOPIC_NOT_EXIST and RocketMQ remark', async () => {
    await ns.start();
    const response = await ns.client().invoke(ns.address, routeRequest('Nope'));
    expect(response.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(response.remark).toBe('No topic route info in name server for the topic: Nope');
    expect(response.body).toBeUndefined();
  });

  it('describes clusters and lists topics, in all and per cluster', async () => {
    await ns.start();
    await register(ns.client(), ns.address, A, { topics: { T1: 1, T2: 2 } });
    await register(ns.client(), ns.address, { ...B, clusterName: 'Other' }, { topics: { T3: 1 } });
    const app = ns.client();

    const info = await app.invoke(ns.address, createRequest(RequestCode.GET_BROKER_CLUSTER_INFO));
    expect(decodeJsonBody<ClusterInfo>(info.body, 'ClusterInfo')).toEqual({
      brokerAddrTable: {
        'broker-a': {
          cluster: 'DefaultCluster',
          brokerName: 'broker-a',
          brokerAddrs: { 0: '10.0.0.1:10911' },
        },
        'broker-b': {
          cluster: 'Other',
          brokerName: 'broker-b',
          brokerAddrs: { 0: '10.0.0.2:10911' },
        },
      },
      clusterAddrTable: { DefaultCluster: ['broker-a'], Other: ['broker-b'] },
    });

    const all = await app.invoke(
      ns.address,
      createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER),
    );
    expect(all.body!.toString()).toBe('{"topicList":["T1","T2","T3"]}');

    const byCluster = async (cluster: string) => {
      const request = createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, { extFields: { cluster } });
      const response = await app.invoke(ns.address, request);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      return decodeJsonBody<TopicList>(response.body, 'TopicList').topicList;
    };
    expect(await byCluster('DefaultCluster')).toEqual(['T1', 'T2']);
    expect(await byCluster('Other')).toEqual(['T3']);
    expect(await byCluster('Unknown')).toEqual([]);
  });

  it('lists both brokers of a cluster that serve the same topic', async () => {
    await ns.start();
    await register(ns.client(), ns.address, A, { topics: { Shared: 4 } });
    await register(ns.client(), ns.address, B, { topics: { Shared: 2 } });
    const route = await routeOf(ns.client(), ns.address, 'Shared');
    expect(route?.queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([
      ['broker-a', 4],
      ['broker-b', 2],
    ]);
    expect(route?.brokerDatas.map((b) => b.brokerAddrs)).toEqual([
      { 0: '10.0.0.1:10911' },
      { 0: '10.0.0.2:10911' },
    ]);
  });

  it('updates queue counts when a broker re-registers a changed topic config', async () => {
    await ns.start();
    const broker = ns.client();
    const app = ns.client();
    await register(broker, ns.address, A, {
      topics: { T: 4 },
      dataVersion: { timestamp: 1, counter: 1 },
    });
    await register(broker, ns.address, A, {
      topics: [topicConfig('T', 8, Perm.READ)],
      dataVersion: { timestamp: 1, counter: 2 },
    });
    expect((await routeOf(app, ns.address, 'T'))?.queueDatas).toEqual([
      { brokerName: 'broker-a', readQueueNums: 8, writeQueueNums: 8, perm: 4, topicSysFlag: 0 },
    ]);
  });

  it('tells a slave where its master is and adds it to the route under its id', async () => {
    await ns.start();
    await register(
      ns.client(),
      ns.address,
      { ...A, haServerAddr: '10.0.0.1:10912' },
      { topics: { T: 4 } },
    );
    const slave = await register(
      ns.client(),
      ns.address,
      { ...A, brokerAddr: '10.0.0.9:10911', brokerId: 1 },
      { topics: { T: 4 } },
    );
    expect(slave.extFields).toEqual({
      masterAddr: '10.0.0.1:10911',
      haServerAddr: '10.0.0.1:10912',
    });
    expect((await routeOf(ns.client(), ns.address, 'T'))?.brokerDatas[0]?.brokerAddrs).toEqual({
      0: '10.0.0.1:10911',
      1: '10.0.0.9:10911',
    });
  });

  it('removes a broker and its topics on UNREGISTER_BROKER', async () => {
    const server = await ns.start();
    const broker = ns.client();
    await register(broker, ns.address, A, { topics: { OnlyA: 1, Shared: 1 } });
    await register(ns.client(), ns.address, B, { topics: { Shared: 1 } });
    const unregister = createRequest(RequestCode.UNREGISTER_BROKER, {
      extFields: {
        brokerName: 'broker-a',
        brokerAddr: '10.0.0.1:10911',
        clusterName: 'DefaultCluster',
        brokerId: '0',
      },
    });
    expect((await broker.invoke(ns.address, unregister)).code).toBe(ResponseCode.SUCCESS);

    const app = ns.client();
    expect(await routeOf(app, ns.address, 'OnlyA')).toBeUndefined();
    expect(
      (await routeOf(app, ns.address, 'Shared'))?.brokerDatas.map((b) => b.brokerName),
    ).toEqual(['broker-b']);
    expect(server.routes.getAllClusterInfo().clusterAddrTable).toEqual({
      DefaultCluster: ['broker-b'],
    });
  });

  it('deletes a topic everywhere, or only from one cluster', async () => {
    await ns.start();
    await register(ns.client(), ns.address, A, { topics: { T: 1, U: 1 } });
    await register(ns.client(), ns.address, { ...B, clusterName: 'Other' }, { topics: { T: 1 } });
    const app = ns.client();
    const del = (extFields: Record<string, string>) =>
      app.invoke(ns.address, createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields }));

    expect((await del({ topic: 'T', clusterName: 'Other' })).code).toBe(ResponseCode.SUCCESS);
    expect((await routeOf(app, ns.address, 'T'))?.queueDatas.map((q) => q.brokerName)).toEqual([
      'broker-a',
    ]);
    expect((await del({ topic: 'U' })).code).toBe(ResponseCode.SUCCESS);
    expect(await routeOf(app, ns.address, 'U')).toBeUndefined();
  });

  it('rejects a body whose crc32 does not match the header, and registers nothing', async () => {
    const server = await ns.start();
    const broker = ns.client();
    const response = await broker.invoke(
      ns.address,
      registerBrokerRequest(A, { topics: { T: 4 }, crc: 12345 }),
    );
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toMatch(/^crc32 not match: header bodyCrc32 12345, body crc32 \d+$/);
    expect(server.routes.liveBrokers()).toEqual([]);
    expect(await routeOf(ns.client(), ns.address, 'T')).toBeUndefined();
  });

  it('answers a malformed body with an error and keeps serving the same connection', async () => {
    await ns.start();
    const broker = ns.client();
    const bad = await broker.invoke(
      ns.address,
      registerBrokerRequest(A, { rawBody: Buffer.from('{"topicConfigSerializeWrapper":{') }),
    );
    expect(bad.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(bad.remark).toMatch(/^RegisterBrokerBody: body is not JSON/);

    const connection = await broker.connection(ns.address);
    await register(broker, ns.address, A, { topics: { T: 4 } });
    expect(await broker.connection(ns.address)).toBe(connection);
    expect(await routeOf(broker, ns.address, 'T')).toBeDefined();
  });

  it('registers a broker that sends the compressed body layout', async () => {
    await ns.start();
    await register(ns.client(), ns.address, A, { topics: { Z: 3 }, compressed: true, crc: true });
    expect((await routeOf(ns.client(), ns.address, 'Z'))?.queueDatas[0]?.writeQueueNums).toBe(3);
  });

  it('answers a request without a required header field with SYSTEM_ERROR', async () => {
    await ns.start();
    const response = await ns
      .client()
      .invoke(ns.address, createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: {} }));
    expect(response.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(response.remark).toBe('the custom field <topic> is null');
  });

  it('answers codes it does not serve with REQUEST_CODE_NOT_SUPPORTED', async () => {
    await ns.start();
    const response = await ns
      .client()
      .invoke(ns.address, createRequest(RequestCode.GET_KV_CONFIG, { extFields: {} }));
    expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(response.remark).toBe(` request type ${RequestCode.GET_KV_CONFIG} not supported`);
  });
});
