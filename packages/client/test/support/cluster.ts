import { Broker, type BrokerOptions } from '@rocketnest/broker';
import { NameServer } from '@rocketnest/namesrv';
import { silentLogger } from '@rocketnest/protocol';
import { Admin, Producer, type LitePullConsumer, type PushConsumer } from '../../src';
import { tempDir } from '../../../../test/support/temp-dir';

/** Every delay level is one second, so retries come back quickly. */
export const FAST_DELAY_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

export interface ClientTestCluster {
  namesrvAddr: string;
  nameServer: NameServer;
  brokers: Broker[];
}

/** A name server and `brokers` brokers (broker-a, broker-b, ...) in one cluster, for one test file. */
export function useClientCluster(
  brokers = 1,
  options: Partial<Omit<BrokerOptions, 'store'>> = {},
): ClientTestCluster {
  const cluster = { brokers: [] as Broker[] } as unknown as ClientTestCluster;
  const dirs = Array.from({ length: brokers }, () => tempDir('rocketnest-client-'));
  beforeAll(async () => {
    const nameServer = new NameServer({ host: '127.0.0.1', port: 0, logger: silentLogger });
    const { port } = await nameServer.start();
    cluster.nameServer = nameServer;
    cluster.namesrvAddr = `127.0.0.1:${port}`;
    for (let i = 0; i < brokers; i++) {
      const broker = new Broker({
        host: '127.0.0.1',
        port: 0,
        advertisedAddress: '127.0.0.1',
        brokerName: `broker-${String.fromCharCode(97 + i)}`,
        namesrvAddrs: [cluster.namesrvAddr],
        logger: silentLogger,
        ...options,
        store: {
          dataDir: dirs[i]!,
          commitLogSegmentSize: 8 * 1024 * 1024,
          consumeQueueUnitsPerFile: 20_000,
          indexHashSlots: 1024,
          indexEntriesPerFile: 40_000,
          persistIntervalMs: 60_000,
          diskUsage: async () => 0.1,
          messageDelayLevel: FAST_DELAY_LEVELS,
        },
      });
      await broker.start();
      cluster.brokers.push(broker);
    }
  });
  afterAll(async () => {
    for (const b of cluster.brokers) await b.close().catch(() => undefined);
    await cluster.nameServer?.close(100);
  });
  return cluster;
}

export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let seq = 0;
/** A topic/group name unique within the run. */
export const unique = (prefix: string): string =>
  `${prefix}_${process.pid}_${Date.now() % 100000}_${++seq}`;

export interface TestClients {
  producer: Producer;
  admin: Admin;
}

/**
 * A started producer and an admin on `cluster` for one test file; after the file, `consumers`
 * (filled by the tests) are stopped first, then the producer and admin.
 */
export function useClients(
  cluster: ClientTestCluster,
  consumers: (PushConsumer | LitePullConsumer)[] = [],
): TestClients {
  const clients = {} as TestClients;
  beforeAll(async () => {
    clients.producer = new Producer({ nameServer: cluster.namesrvAddr, group: unique('PID') });
    await clients.producer.start();
    clients.admin = new Admin({ nameServer: cluster.namesrvAddr });
  });
  afterAll(async () => {
    for (const c of consumers) await ('stop' in c ? c.stop() : c.shutdown());
    await clients.producer?.shutdown();
    await clients.admin?.close();
  });
  return clients;
}
