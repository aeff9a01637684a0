import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { latencyChart, throughputChart } from './charts/peer-charts';
import { barChartSvg } from './charts/svg';
import type { Row } from './report';

export const RESULTS_DIR = join(__dirname, '..', '..', '..', 'bench', 'results');

export interface Machine {
  cpu: string;
  cores: number;
  memoryMiB: number;
  os: string;
  node: string;
  date: string;
  mode: 'quick' | 'full';
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  loadAverageAtStart: number;
}

/** One entry of latest.json: exactly the fields the issue publishes, as a report row has them. */
export type ScenarioResult = Pick<Row, 'scenario' | 'system' | (typeof FIELDS)[number]>;

export interface Results {
  machine: Machine;
  scenarios: ScenarioResult[];
}

const FIELDS = ['msgsPerSec', 'mbPerSec', 'p50Ms', 'p99Ms', 'p999Ms', 'rssMiB'] as const;

const LOAD_AT_START = loadavg()[0]!;

export function machine(mode: Machine['mode']): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    os: `${type()} ${release()}`,
    node: process.version,
    date: new Date().toISOString(),
    mode,
    loadAverageAtStart: LOAD_AT_START,
  };
}

/** Rows with at least one figure; other suites' scenarios are prefixed with their suite. */
export function buildResults(rows: Row[], host: Machine): Results {
  const scenarios = rows
    .filter((r) => FIELDS.some((f) => r[f] !== undefined))
    .map((r) => {
      const entry: ScenarioResult = {
        scenario: r.suite === 'peers' ? r.scenario : `${r.suite}: ${r.scenario}`,
        system: r.system,
      };
      for (const f of FIELDS) if (r[f] !== undefined) entry[f] = Number(r[f]!.toFixed(3));
      return entry;
    });
  return { machine: host, scenarios };
}

/** latest.json, throughput.svg and latency.svg under bench/results/. */
export function writeResults(rows: Row[], host: Machine, summary: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const files: [string, string][] = [
    ['latest.json', `${JSON.stringify(buildResults(rows, host), null, 2)}\n`],
    ['throughput.svg', barChartSvg(throughputChart(rows))],
    ['latency.svg', barChartSvg(latencyChart(rows))],
    ['latest.md', summary],
  ];
  return files.map(([name, text]) => {
    const path = join(RESULTS_DIR, name);
    writeFileSync(path, text);
    return path;
  });
}
