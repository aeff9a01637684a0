import { ResponseCode } from '@rocketnest/protocol';
import { register, routeRequest, type FakeBroker } from './support/broker-fixture';
import { nameServerHarness } from './support/name-server-harness';

// ali-ons (the Node RocketMQ client) reads routes with the JSON2 package and computes its queues
// in MQClient; running its own code on our responses proves a real client understands them.
/* eslint-disable @typescript-eslint/no-require-imports */
// JSON2 is resolved from ali-ons' own location: the copy ali-ons itself loads.
const JSON2 = require(require.resolve('JSON2', { paths: [require.resolve('ali-ons')] })) as {
  parse(text: string): unknown;
};
const MQClientAPI = require('ali-ons/lib/mq_client_api');
const MQClient = require('ali-ons/lib/mq_client');
/* eslint-enable @typescript-eslint/no-require-imports */

interface AliRoute {
  queueDatas: { brokerName: string; writeQueueNums: number; readQueueNums: number; perm: number }[];
  brokerDatas: { brokerName: string; brokerAddrs: Record<number, string> }[];
}
interface AliQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

const A: FakeBroker = { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911' };
const B: FakeBroker = { brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911' };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function byBrokerName(a: { brokerName: string }, b: { brokerName: string }): number {
  return a.brokerName > b.brokerName ? 1 : a.brokerName < b.brokerName ? -1 : 0;
}

describe('routes as ali-ons reads them', () => {
  const ns = nameServerHarness();

  async function twoBrokers(): Promise<void> {
    await ns.start();
    await register(ns.client(), ns.address, B, { topics: { Orders: 2 } });
    await register(ns.client(), ns.address, A, { topics: { Orders: 3 } });
  }

  it('parses with JSON2 as MQClientAPI does and yields the publish and subscribe queues', async () => {
    await twoBrokers();
    // ali-ons sends version 121 (V3_4_9); Apache would answer it with legacy fastjson JSON.
    const request = { ...routeRequest('Orders'), version: 121 };
    const response = await ns.client().invoke(ns.address, request);
    expect(response.code).toBe(ResponseCode.SUCCESS);

    // MQClientAPI.getTopicRouteInfoFromNameServer, step by step.
    const route = JSON2.parse(response.body!.toString()) as AliRoute;
    route.queueDatas.sort(byBrokerName);
    route.brokerDatas.sort(byBrokerName);
    expect(route.brokerDatas.map((b) => b.brokerAddrs[0])).toEqual([A.brokerAddr, B.brokerAddr]);

    const publish = MQClient.prototype._topicRouteData2TopicPublishInfo('Orders', route) as {
      messageQueueList: AliQueue[];
      orderTopic: boolean;
    };
    expect(publish.orderTopic).toBe(false);
    expect(publish.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual([
      'broker-a/0',
      'broker-a/1',
      'broker-a/2',
      'broker-b/0',
      'broker-b/1',
    ]);
    const subscribe = MQClient.prototype._topicRouteData2TopicSubscribeInfo(
      'Orders',
      route,
    ) as AliQueue[];
    expect(subscribe).toHaveLength(5);
  });

  it('serves MQClientAPI itself: a route, then TOPIC_NOT_EXIST as its MQClientException', async () => {
    await twoBrokers();
    const api = new MQClientAPI({ nameSrv: ns.address, httpclient: {}, logger: quiet });
    api.on('error', () => undefined);
    try {
      await api.ready();
      const route = (await api.getTopicRouteInfoFromNameServer('Orders', 2000)) as AliRoute;
      expect(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums])).toEqual([
        ['broker-a', 3],
        ['broker-b', 2],
      ]);
      expect(route.brokerDatas[1]?.brokerAddrs[0]).toBe(B.brokerAddr);

      await expect(api.getTopicRouteInfoFromNameServer('Missing', 2000)).rejects.toMatchObject({
        name: 'MQClientException',
        code: ResponseCode.TOPIC_NOT_EXIST,
        message: 'No topic route info in name server for the topic: Missing',
      });
    } finally {
      await api.close();
    }
  });
});
