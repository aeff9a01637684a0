import {
  createRequest,
  decodeJsonBody,
  RequestCode,
  ResponseCode,
  type DataVersion,
} from '@rocketnest/protocol';
import { eventually, register, routeOf, type FakeBroker } from './support/broker-fixture';
import { nameServerHarness } from './support/name-server-harness';
import { recordingLogger } from './support/recording-logger';

const A: FakeBroker = { brokerName: 'broker-a', brokerAddr: '10.0.0.1:10911' };
const B: FakeBroker = { brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911' };

describe('broker liveness', () => {
  const ns = nameServerHarness();

  it('expires a broker that stops registering, after brokerExpiryMs, and closes its connection', async () => {
    // 1 s: the route must still be there when the test reads it right after registering.
    await ns.start({ brokerExpiryMs: 1000, scanIntervalMs: 25 });
    const broker = ns.client();
    const app = ns.client();
    let disconnectedAt: number | undefined;
    broker.on('disconnect', () => (disconnectedAt ??= Date.now()));
    const registeredAt = Date.now();
    await register(broker, ns.address, A, { topics: { T: 4 } });
    expect(await routeOf(app, ns.address, 'T')).toBeDefined();

    await eventually(
      'the route to expire',
      async () => !(await routeOf(app, ns.address, 'T')),
      5000,
    );
    expect(Date.now() - registeredAt).toBeGreaterThanOrEqual(1000);
    await eventually(
      'the broker connection to close',
      async () => disconnectedAt !== undefined,
      5000,
    );
    expect(disconnectedAt! - registeredAt).toBeGreaterThanOrEqual(1000);
  });

  it('keeps a broker that re-registers or heartbeats, and expires it by the clock', async () => {
    const clock = { now: 1_000_000 };
    // The timer never fires here; the test drives expiry passes itself.
    const server = await ns.start({
      brokerExpiryMs: 1000,
      scanIntervalMs: 3_600_000,
      now: () => clock.now,
    });
    const broker = ns.client();
    await register(broker, ns.address, A, { topics: { T: 4 } });

    clock.now += 800;
    await register(broker, ns.address, A, { topics: { T: 4 } });
    clock.now += 800;
    const heartbeat = createRequest(RequestCode.BROKER_HEARTBEAT, {
      extFields: {
        clusterName: 'DefaultCluster',
        brokerAddr: A.brokerAddr,
        brokerName: A.brokerName,
      },
    });
    expect((await broker.invoke(ns.address, heartbeat)).code).toBe(ResponseCode.SUCCESS);
    clock.now += 1000;
    expect(server.scanNotActiveBroker()).toEqual([]);

    clock.now += 1;
    expect(server.scanNotActiveBroker().map((b) => b.brokerName)).toEqual(['broker-a']);
    expect(await routeOf(ns.client(), ns.address, 'T')).toBeUndefined();
  });

  it('removes the routes of a broker whose connection closes, at once, and logs it', async () => {
    const logger = recordingLogger();
    // Expiry is far away: only the closed connection can explain the removal.
    await ns.start({ logger });
    const brokerA = ns.client();
    await register(brokerA, ns.address, A, { topics: { OnlyA: 1, Shared: 1 } });
    await register(ns.client(), ns.address, B, { topics: { Shared: 1 } });
    const app = ns.client();
    expect(await routeOf(app, ns.address, 'OnlyA')).toBeDefined();

    await brokerA.close();
    await eventually('the route to go', async () => !(await routeOf(app, ns.address, 'OnlyA')));
    expect(
      (await routeOf(app, ns.address, 'Shared'))?.brokerDatas.map((b) => b.brokerName),
    ).toEqual(['broker-b']);
    expect(logger.entries).toContainEqual({
      level: 'info',
      message: 'broker removed',
      fields: expect.objectContaining({
        reason: 'connection closed',
        clusterName: 'DefaultCluster',
        brokerName: 'broker-a',
        brokerAddr: '10.0.0.1:10911',
        removedTopics: ['OnlyA'],
      }),
    });
  });

  it('answers QUERY_DATA_VERSION with whether the broker topics changed', async () => {
    await ns.start();
    const broker = ns.client();
    const version: DataVersion = { timestamp: 10, counter: 3 };
    await register(broker, ns.address, A, { topics: { T: 4 }, dataVersion: version });
    const query = async (asked: DataVersion) => {
      const request = createRequest(RequestCode.QUERY_DATA_VERSION, {
        extFields: {
          brokerName: A.brokerName,
          brokerAddr: A.brokerAddr,
          clusterName: 'DefaultCluster',
          brokerId: '0',
        },
        body: Buffer.from(JSON.stringify(asked)),
      });
      const response = await broker.invoke(ns.address, request);
      expect(response.code).toBe(ResponseCode.SUCCESS);
      return {
        changed: response.extFields?.changed,
        known: decodeJsonBody<DataVersion>(response.body, 'DataVersion'),
      };
    };
    expect(await query(version)).toEqual({
      changed: 'false',
      known: { timestamp: 10, counter: 3, stateVersion: 0 },
    });
    expect((await query({ timestamp: 10, counter: 4 })).changed).toBe('true');
  });
});
