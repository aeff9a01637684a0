import { progress } from '../progress';
import type { Row } from '../report';
import type { Channel, Driver, ScenarioKind } from './driver';
import { rssMiB } from './proc';
import { SCENARIO } from './scenario-names';
import {
  FANOUT_GROUPS,
  MESSAGE_SIZE,
  drain,
  fanout,
  fill,
  latency,
  produceRate,
} from './scenarios';

/** How much each scenario does: reduced under --quick, the sizes otherwise. */
export interface Sizes {
  warmUpMs: number;
  produceMs: number;
  latencySeconds: number;
  latencyWarmUpSeconds: number;
  backlog: number;
  fanoutMessages: number;
  fileWrites: number;
  syncs: number;
  echoes: number;
}

export const LATENCY_RATE = 10_000;

type Figures = Omit<Row, 'suite'>;

export interface Measure {
  kind: ScenarioKind;
  scenario(sizes: Sizes): string;
  /** Consumer groups the channel is created with. */
  groups: number;
  measure(driver: Driver, channel: Channel, sizes: Sizes): Promise<Figures[]>;
}

export const mb = (rate: number) => (rate * MESSAGE_SIZE) / 1e6;

/** The row's note: what went missing, and the system's weaker guarantee if it has one. */
export function noteFor(driver: Driver, lost = 0, expected = 0, extra?: string): string {
  const loss =
    lost > 0
      ? `${lost.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} ` +
        'never delivered (no progress for 20 s)'
      : undefined;
  return [extra, loss, driver.guarantee].filter(Boolean).join('; ');
}

const throughput = (driver: Driver, scenario: string, rate: number, note = noteFor(driver)) => ({
  scenario,
  system: driver.system,
  msgsPerSec: rate,
  mbPerSec: mb(rate),
  note,
});

const ROUNDS = 3;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A warm-up round first (JIT, connections, first segment file), then the median of three
 * measured rounds: the machine is shared, and one slow round should not decide the figure.
 */
function produce(batched: boolean): Measure {
  const name = batched ? SCENARIO.produceBatch : SCENARIO.produce;
  return {
    kind: batched ? 'produceBatch' : 'produce',
    scenario: () => name,
    groups: 1,
    measure: async (driver, ch, sizes) => {
      await produceRate(ch, sizes.warmUpMs, batched);
      const rates: number[] = [];
      for (let i = 0; i < ROUNDS; i++)
        rates.push(await produceRate(ch, sizes.produceMs / ROUNDS, batched));
      rates.sort((a, b) => a - b);
      const range = `median of ${ROUNDS}: ${fmt(rates[0]!)}-${fmt(rates[ROUNDS - 1]!)}`;
      return [throughput(driver, name, rates[1]!, noteFor(driver, 0, 0, range))];
    },
  };
}

const latencyMeasure: Measure = {
  kind: 'latency',
  scenario: () => SCENARIO.latency,
  groups: 1,
  measure: async (driver, ch, sizes) => {
    const { achieved, delivered, lost, ...percentiles } = await latency(
      ch,
      LATENCY_RATE,
      sizes.latencySeconds,
      sizes.latencyWarmUpSeconds,
    );
    const rate = `sent at ${fmt(achieved)}/s, handled at ${fmt(delivered)}/s`;
    const note = noteFor(driver, lost, LATENCY_RATE * sizes.latencySeconds, rate);
    return [{ scenario: SCENARIO.latency, system: driver.system, ...percentiles, note }];
  },
};

const fanoutMeasure: Measure = {
  kind: 'fanout',
  scenario: () => SCENARIO.fanout,
  groups: FANOUT_GROUPS,
  measure: async (driver, ch, sizes) => {
    const batched = driver.scenarios.includes('produceBatch');
    const r = await fanout(ch, sizes.fanoutMessages, FANOUT_GROUPS, batched);
    const note = noteFor(driver, r.lost, sizes.fanoutMessages * FANOUT_GROUPS);
    return [throughput(driver, SCENARIO.fanout, r.rate, note)];
  },
};

/** Stores a backlog, reads the server's RSS, then drains it with one group. */
const backlogMeasure: Measure = {
  kind: 'catchUp',
  scenario: (sizes) => SCENARIO.catchUp(sizes.backlog),
  groups: 1,
  measure: async (driver, ch, { backlog }) => {
    const pid = driver.serverPid();
    const before = pid === undefined ? undefined : rssMiB(pid);
    progress.step(`${driver.system} · storing a backlog`, backlog);
    const stored = await fill(ch, backlog, driver.scenarios.includes('produceBatch'));
    const after = pid === undefined ? undefined : rssMiB(pid);
    progress.step(`${driver.system} · ${SCENARIO.catchUp(backlog)}`, stored);
    const { rate, lost } = await drain(ch, stored);
    const memory =
      before === undefined ? 'server process not found' : `${Math.round(before)} MiB before`;
    return [
      {
        scenario: SCENARIO.memory(backlog),
        system: driver.system,
        rssMiB: after,
        note: noteFor(driver, 0, 0, memory),
      },
      throughput(driver, SCENARIO.catchUp(backlog), rate, noteFor(driver, lost, stored)),
    ];
  },
};

/** The peers scenarios in the order they run. */
export const MEASURES: Measure[] = [
  produce(false),
  produce(true),
  latencyMeasure,
  fanoutMeasure,
  backlogMeasure,
];
