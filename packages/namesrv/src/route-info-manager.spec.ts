import { topicConfig, type TopicConfig } from '@rocketnest/protocol';
import type { BrokerRegistration } from './broker-registration';
import { RouteInfoManager } from './route-info-manager';

const V1 = { timestamp: 1000, counter: 1 };
const V2 = { timestamp: 1000, counter: 2 };

function registration(
  overrides: Partial<BrokerRegistration<string>> & { topics?: TopicConfig[] } = {},
): BrokerRegistration<string> {
  const { topics = [topicConfig('T', 4)], ...rest } = overrides;
  return {
    clusterName: 'C',
    brokerName: 'broker-a',
    brokerAddr: '10.0.0.1:10911',
    brokerId: 0,
    haServerAddr: '10.0.0.1:10912',
    topicConfigTable: Object.fromEntries(topics.map((t) => [t.topicName, t])),
    dataVersion: V1,
    channel: 'conn-a',
    ...rest,
  };
}

function setup() {
  const clock = { now: 1_000_000 };
  const routes = new RouteInfoManager<string>({ brokerExpiryMs: 1000, now: () => clock.now });
  return { clock, routes };
}

describe('RouteInfoManager', () => {
  it('publishes a master topic as queue data with the broker under id 0', () => {
    const { routes } = setup();
    expect(routes.registerBroker(registration())).toEqual({});
    expect(routes.pickupTopicRouteData('T')).toEqual({
      queueDatas: [
        { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
      ],
      brokerDatas: [
        { cluster: 'C', brokerName: 'broker-a', brokerAddrs: { '0': '10.0.0.1:10911' } },
      ],
      filterServerTable: {},
    });
    expect(routes.pickupTopicRouteData('other')).toBeUndefined();
  });

  it('re-reads topic configs only when the data version changed', () => {
    const { routes } = setup();
    routes.registerBroker(registration());
    routes.registerBroker(registration({ topics: [topicConfig('T', 8)] }));
    expect(routes.pickupTopicRouteData('T')?.queueDatas[0]?.writeQueueNums).toBe(4);
    routes.registerBroker(registration({ topics: [topicConfig('T', 8)], dataVersion: V2 }));
    expect(routes.pickupTopicRouteData('T')?.queueDatas[0]?.writeQueueNums).toBe(8);
  });

  it('restores a deleted topic on the next registration even with an unchanged version', () => {
    const { routes } = setup();
    routes.registerBroker(registration());
    expect(routes.deleteTopic('T')).toBe(true);
    expect(routes.pickupTopicRouteData('T')).toBeUndefined();
    routes.registerBroker(registration());
    expect(routes.pickupTopicRouteData('T')?.queueDatas).toHaveLength(1);
  });

  it('gives a slave its master and does not publish the slave topics', () => {
    const { routes } = setup();
    const slave = registration({
      brokerId: 1,
      brokerAddr: '10.0.0.2:10911',
      channel: 'conn-s',
      topics: [topicConfig('OnlyOnSlave', 2)],
    });
    expect(routes.registerBroker(slave)).toEqual({});
    expect(routes.pickupTopicRouteData('OnlyOnSlave')).toBeUndefined();
    routes.registerBroker(registration());
    expect(routes.registerBroker(slave)).toEqual({
      masterAddr: '10.0.0.1:10911',
      haServerAddr: '10.0.0.1:10912',
    });
    expect(routes.pickupTopicRouteData('T')?.brokerDatas[0]?.brokerAddrs).toEqual({
      '0': '10.0.0.1:10911',
      '1': '10.0.0.2:10911',
    });
  });

  it('moves a promoted slave address from its old id to id 0', () => {
    const { routes } = setup();
    routes.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
    routes.registerBroker(registration({ brokerId: 0, brokerAddr: '10.0.0.2:10911' }));
    expect(routes.getAllClusterInfo().brokerAddrTable['broker-a']?.brokerAddrs).toEqual({
      '0': '10.0.0.2:10911',
    });
  });

  it('keeps the routes of a broker group while one of its addresses remains', () => {
    const { routes } = setup();
    routes.registerBroker(registration());
    routes.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
    routes.unregisterBroker({
      clusterName: 'C',
      brokerName: 'broker-a',
      brokerAddr: '10.0.0.1:10911',
      brokerId: 0,
    });
    expect(routes.pickupTopicRouteData('T')?.brokerDatas[0]?.brokerAddrs).toEqual({
      '1': '10.0.0.2:10911',
    });
    routes.unregisterBroker({
      clusterName: 'C',
      brokerName: 'broker-a',
      brokerAddr: '10.0.0.2:10911',
      brokerId: 1,
    });
    expect(routes.pickupTopicRouteData('T')).toBeUndefined();
    expect(routes.getAllClusterInfo()).toEqual({ brokerAddrTable: {}, clusterAddrTable: {} });
    expect(routes.liveBrokers()).toEqual([]);
  });

  it('expires a broker once its timeout has fully passed, and only then', () => {
    const { clock, routes } = setup();
    routes.registerBroker(registration());
    clock.now += 1000;
    expect(routes.scanNotActiveBroker()).toEqual([]);
    clock.now += 1;
    expect(routes.scanNotActiveBroker().map((b) => b.brokerAddr)).toEqual(['10.0.0.1:10911']);
    expect(routes.pickupTopicRouteData('T')).toBeUndefined();
    expect(routes.getAllTopicList().topicList).toEqual([]);
  });

  it('honours the timeout a broker announces, and heartbeats keep it alive', () => {
    const { clock, routes } = setup();
    routes.registerBroker(registration({ heartbeatTimeoutMillis: 5000 }));
    clock.now += 4000;
    expect(routes.updateBrokerInfoUpdateTimestamp('C', '10.0.0.1:10911')).toBe(true);
    clock.now += 4000;
    expect(routes.scanNotActiveBroker()).toEqual([]);
    clock.now += 1001;
    expect(routes.scanNotActiveBroker()).toHaveLength(1);
    expect(routes.updateBrokerInfoUpdateTimestamp('C', '10.0.0.1:10911')).toBe(false);
  });

  it('drops every broker registered over a destroyed channel, and no other', () => {
    const { routes } = setup();
    routes.registerBroker(registration());
    routes.registerBroker(
      registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.3:10911', channel: 'conn-b' }),
    );
    expect(routes.onChannelDestroy('conn-x')).toEqual([]);
    expect(routes.onChannelDestroy('conn-a').map((b) => b.brokerName)).toEqual(['broker-a']);
    expect(routes.pickupTopicRouteData('T')?.brokerDatas.map((b) => b.brokerName)).toEqual([
      'broker-b',
    ]);
  });

  it('ignores the close of a channel a broker has since re-registered away from', () => {
    const { routes } = setup();
    routes.registerBroker(registration({ channel: 'old' }));
    routes.registerBroker(registration({ channel: 'new' }));
    expect(routes.onChannelDestroy('old')).toEqual([]);
    expect(routes.pickupTopicRouteData('T')).toBeDefined();
  });

  it('lists topics per cluster and deletes a topic from one cluster only', () => {
    const { routes } = setup();
    routes.registerBroker(registration({ topics: [topicConfig('T', 4), topicConfig('A', 1)] }));
    routes.registerBroker(
      registration({ clusterName: 'D', brokerName: 'broker-d', brokerAddr: '10.0.0.4:10911' }),
    );
    expect(routes.getTopicsByCluster('C').topicList).toEqual(['A', 'T']);
    expect(routes.getTopicsByCluster('D').topicList).toEqual(['T']);
    expect(routes.getTopicsByCluster('nope').topicList).toEqual([]);
    expect(routes.deleteTopic('T', 'C')).toBe(true);
    expect(routes.pickupTopicRouteData('T')?.queueDatas.map((q) => q.brokerName)).toEqual([
      'broker-d',
    ]);
    expect(routes.deleteTopic('T', 'D')).toBe(true);
    expect(routes.getAllTopicList().topicList).toEqual(['A']);
    expect(routes.deleteTopic('T', 'unknown')).toBe(false);
  });
});
