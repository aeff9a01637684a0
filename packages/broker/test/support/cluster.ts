import { NameServer } from '@rocketnest/namesrv';
import {
  GetRouteInfoRequestHeader,
  RemotingClient,
  RequestCode,
  ResponseCode,
  createRequest,
  decodeJsonBody,
  silentLogger,
  type TopicRouteData,
} from '@rocketnest/protocol';
import { Broker, type BrokerOptions } from '../../src';
import { tempDir } from '../../../../test/support/temp-dir';
import { BrokerTestClient } from './broker-test-client';

export interface TestCluster {
  nameServer: NameServer;
  broker: Broker;
  /** "127.0.0.1:<port>" of the broker. */
  brokerAddr: string;
  namesrvAddr: string;
  /** A new client with its own connection to the broker; closed after the test file. */
  client(): BrokerTestClient;
  /** A raw remoting client, closed after the test file. */
  remoting(): RemotingClient;
}

export type TestBrokerOptions = Partial<Omit<BrokerOptions, 'store'>> & {
  store?: Partial<BrokerOptions['store']>;
};

/**
 * Broker options for tests: ephemeral port, 127.0.0.1, a temp data dir with small files. Call it
 * while tests are being defined (tempDir registers its cleanup hook then), or pass `store.dataDir`.
 */
export function testBrokerOptions(
  namesrvAddrs: string[],
  options: TestBrokerOptions = {},
): BrokerOptions {
  return {
    host: '127.0.0.1',
    port: 0,
    advertisedAddress: '127.0.0.1',
    namesrvAddrs,
    logger: silentLogger,
    ...options,
    store: {
      dataDir: options.store?.dataDir ?? tempDir('rocketnest-broker-'),
      commitLogSegmentSize: 1024 * 1024,
      consumeQueueUnitsPerFile: 1000,
      indexHashSlots: 128,
      indexEntriesPerFile: 2000,
      persistIntervalMs: 60_000,
      diskUsage: async () => 0.1,
      ...options.store,
    },
  };
}

/**
 * A name server and a broker on ephemeral ports for one test file (started in beforeAll, closed
 * in afterAll with every client the tests opened).
 */
export function useCluster(options: TestBrokerOptions = {}): TestCluster {
  const clients: { close(): Promise<void> }[] = [];
  const cluster = {} as TestCluster;
  // Registered before tempDir's own afterAll (hooks run in order): close, then delete the dir.
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await cluster.broker?.close();
    await cluster.nameServer?.close(100);
  });
  const dataDir = options.store?.dataDir ?? tempDir('rocketnest-broker-');
  beforeAll(async () => {
    const nameServer = new NameServer({ host: '127.0.0.1', port: 0, logger: silentLogger });
    const { port: nsPort } = await nameServer.start();
    const namesrvAddr = `127.0.0.1:${nsPort}`;
    const broker = new Broker(
      testBrokerOptions([namesrvAddr], { ...options, store: { ...options.store, dataDir } }),
    );
    const port = await broker.start();
    Object.assign(cluster, {
      nameServer,
      broker,
      namesrvAddr,
      brokerAddr: `127.0.0.1:${port}`,
      client: () => {
        const client = new BrokerTestClient(cluster.brokerAddr);
        clients.push(client);
        return client;
      },
      remoting: () => {
        const client = new RemotingClient({ requestTimeoutMs: 5000 });
        clients.push(client);
        return client;
      },
    });
  });
  return cluster;
}

/** Polls `check` until it returns true or `timeoutMs` passes; then fails naming `what`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The topic's route from the cluster's name server, or the response code when there is none. */
export async function routeOf(
  cluster: TestCluster,
  topic: string,
): Promise<TopicRouteData | number> {
  const request = createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, {
    extFields: GetRouteInfoRequestHeader.encode({ topic }),
  });
  const response = await cluster.remoting().invoke(cluster.namesrvAddr, request);
  if (response.code !== ResponseCode.SUCCESS) return response.code;
  return decodeJsonBody<TopicRouteData>(response.body, 'TopicRouteData');
}
