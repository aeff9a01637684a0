import { progress } from '../progress';
import type { Row } from '../report';
import type { PeerConfiguration } from '../summary';
import { AmqpDriver } from '../peers/amqp';
import type { Channel, Driver } from '../peers/driver';
import { JetStreamDriver } from '../peers/jetstream';
import { fdatasyncRate, fileWriteRate, tcpEchoRate } from '../peers/limits';
import { NestNatsDriver } from '../peers/nest-nats';
import { NestRmqDriver } from '../peers/nest-rmq';
import { RedisDriver } from '../peers/redis';
import { RocketnestDriver } from '../peers/rocketnest';
import { RocketnestNestDriver } from '../peers/rocketnest-nest';
import { MEASURES, mb, type Sizes } from '../peers/measures';
import { SCENARIO, SYSTEM } from '../peers/scenario-names';
import { ensurePeer } from '../peers/services';

const QUICK: Sizes = {
  warmUpMs: 500,
  produceMs: 1500,
  latencySeconds: 2,
  latencyWarmUpSeconds: 1,
  backlog: 30_000,
  fanoutMessages: 10_000,
  fileWrites: 100_000,
  syncs: 300,
  echoes: 50_000,
};
const FULL: Sizes = {
  warmUpMs: 2000,
  produceMs: 10_000,
  latencySeconds: 10,
  latencyWarmUpSeconds: 2,
  backlog: 1_000_000,
  fanoutMessages: 100_000,
  fileWrites: 1_000_000,
  syncs: 3000,
  echoes: 500_000,
};
/** How each system was configured in the last run: printed and recorded beside the results. */
export const peerConfigurations: PeerConfiguration[] = [];

const PEERS: { port?: number; service?: string; driver: () => Driver }[] = [
  {
    driver: () =>
      new RocketnestDriver('async', ['produce', 'produceBatch', 'latency', 'fanout', 'catchUp']),
  },
  { driver: () => new RocketnestDriver('sync', ['produce', 'produceBatch']) },
  { driver: () => new RocketnestNestDriver() },
  { port: 5672, service: 'RabbitMQ', driver: () => new AmqpDriver() },
  { port: 5672, service: 'RabbitMQ', driver: () => new NestRmqDriver() },
  { port: 4222, service: 'NATS', driver: () => new JetStreamDriver() },
  { port: 4222, service: 'NATS', driver: () => new NestNatsDriver() },
  { port: 6379, service: 'Redis', driver: () => new RedisDriver() },
];

/** Runs `measure` on a fresh channel, turning a failure into a row that says why. */
async function attempt(
  driver: Driver,
  scenario: string,
  groups: number,
  measure: (channel: Channel) => Promise<Omit<Row, 'suite'>[]>,
): Promise<Row[]> {
  const channel = await driver.channel(groups);
  try {
    const rows = await measure(channel);
    return rows.map((r) => ({ suite: 'peers', ...r }));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return [{ suite: 'peers', scenario, system: driver.system, note: `failed: ${reason}` }];
  } finally {
    await channel.destroy().catch(() => undefined);
  }
}

/** Each scenario the driver supports, in order, on a fresh channel. */
async function runDriver(driver: Driver, sizes: Sizes): Promise<Row[]> {
  const rows: Row[] = [];
  for (const m of MEASURES) {
    if (!driver.scenarios.includes(m.kind)) continue;
    const scenario = m.scenario(sizes);
    progress.step(`${driver.system} · ${scenario}`);
    rows.push(...(await attempt(driver, scenario, m.groups, (ch) => m.measure(driver, ch, sizes))));
  }
  return rows;
}

async function limits(sizes: Sizes): Promise<Row[]> {
  progress.step('physical limits');
  const row = (system: string, rate: number, note: string): Row => ({
    suite: 'peers',
    scenario: SCENARIO.limits,
    system,
    msgsPerSec: rate,
    mbPerSec: mb(rate),
    note,
  });
  return [
    row('limit: sequential file write', fileWriteRate(sizes.fileWrites), 'one record per write'),
    row('limit: write+fdatasync loop', await fdatasyncRate(sizes.syncs), 'one record per sync'),
    row('limit: loopback TCP echo', await tcpEchoRate(sizes.echoes), '256 payloads in flight'),
  ];
}

/** The same scenarios on rocketnest and on the systems a Nest user would pick instead. */
export async function runPeers(durationMs: number): Promise<Row[]> {
  const sizes = durationMs < 1000 ? QUICK : FULL;
  peerConfigurations.length = 0;
  const rows: Row[] = [];
  for (const peer of PEERS) {
    const driver = peer.driver();
    const down = peer.port ? await ensurePeer(peer.service!, peer.port) : undefined;
    if (down) {
      rows.push({
        suite: 'peers',
        scenario: 'all',
        system: driver.system,
        note: `skipped: ${down}`,
      });
      continue;
    }
    try {
      await driver.open();
      progress.log(`${driver.system}: ${driver.config}`);
      peerConfigurations.push({
        system: driver.system,
        config: driver.config,
        guarantee: driver.guarantee,
      });
      rows.push(...(await runDriver(driver, sizes)));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      rows.push({
        suite: 'peers',
        scenario: 'all',
        system: driver.system,
        note: `failed: ${reason}`,
      });
    } finally {
      await driver.close().catch(() => undefined);
    }
  }
  rows.push(...(await limits(sizes)));
  progress.done();
  return withRatios(rows);
}

/** Each throughput row divided by rocketnest's in the same scenario (limits: single sends). */
function withRatios(rows: Row[]): Row[] {
  return rows.map((r) => {
    const scenario = r.scenario === SCENARIO.limits ? SCENARIO.produce : r.scenario;
    const base = rows.find((b) => b.scenario === scenario && b.system === SYSTEM.rocketnest);
    if (!base?.msgsPerSec || r.msgsPerSec === undefined) return r;
    return { ...r, ratio: r.msgsPerSec / base.msgsPerSec };
  });
}
