import type { Row } from './report';
import { SCENARIO, SYSTEM } from './peers/scenario-names';

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function find(rows: Row[], scenario: string, system: string): Row | undefined {
  return rows.find((r) => r.scenario === scenario && r.system === system);
}

/** `ours / theirs` against a minimum ratio, as one line saying met or missed by how much. */
function ratioTarget(rows: Row[], scenario: string, ours: string, theirs: string, min: number) {
  const a = find(rows, scenario, ours)?.msgsPerSec;
  const b = find(rows, scenario, theirs)?.msgsPerSec;
  const what = `${ours} >= ${min}x ${theirs} (${scenario})`;
  if (a === undefined || b === undefined) return `${what}: not measured in this run`;
  const ratio = a / b;
  const verdict =
    ratio >= min
      ? 'met'
      : `MISSED by ${fmt(min * b - a)} msg/s (${((1 - ratio / min) * 100).toFixed(0)}% short)`;
  return `${what}: ${fmt(a)} vs ${fmt(b)} msg/s = ${ratio.toFixed(2)}x: ${verdict}`;
}

function latencyTarget(rows: Row[], system: string, maxMs: number): string {
  const p99 = find(rows, SCENARIO.latency, system)?.p99Ms;
  const what = `${system} p99 < ${maxMs} ms at 10,000 msg/s`;
  if (p99 === undefined) return `${what}: not measured in this run`;
  const verdict = p99 < maxMs ? 'met' : `MISSED by ${(p99 - maxMs).toFixed(2)} ms`;
  return `${what}: p99 ${p99.toFixed(2)} ms: ${verdict}`;
}

/** The targets, each checked against this run's rows. */
export function checkTargets(rows: Row[]): string[] {
  const { rocketnest, rocketnestNest, jetstream, rabbitmq, nestRmq } = SYSTEM;
  return [
    ratioTarget(rows, SCENARIO.produce, rocketnest, jetstream, 1),
    ratioTarget(rows, SCENARIO.produceBatch, rocketnest, jetstream, 1),
    ratioTarget(rows, SCENARIO.produce, rocketnest, rabbitmq, 3),
    ratioTarget(rows, SCENARIO.produceBatch, rocketnest, rabbitmq, 3),
    ratioTarget(rows, SCENARIO.produce, rocketnestNest, nestRmq, 5),
    latencyTarget(rows, rocketnest, 5),
  ];
}
