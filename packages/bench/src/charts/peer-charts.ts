import type { Row } from '../report';
import { SCENARIO } from '../peers/scenario-names';
import type { BarChart, BarGroup } from './svg';

const isLatency = (r: Row) => r.scenario === SCENARIO.latency && r.p99Ms !== undefined;

/** msgs/s per system, one group per throughput scenario of the peers comparison. */
export function throughputChart(rows: Row[]): BarChart {
  const scenarios = [...new Set(rows.filter((r) => r.suite === 'peers').map((r) => r.scenario))];
  const groups: BarGroup[] = scenarios
    .map((scenario) => ({
      label: scenario,
      bars: rows
        .filter((r) => r.scenario === scenario && r.msgsPerSec !== undefined)
        .map((r) => ({ label: r.system, value: r.msgsPerSec! })),
    }))
    .filter((g) => g.bars.length > 0);
  return {
    title: 'Throughput, 1 KiB messages (higher is better; each group has its own scale)',
    unit: 'msg/s',
    groups,
    scale: 'per-group',
  };
}

/** p50, p99 and p99.9 send-to-handler latency per system at the fixed rate. */
export function latencyChart(rows: Row[]): BarChart {
  return {
    title: `${SCENARIO.latency}, send to handler (lower is better, log scale)`,
    unit: 'ms',
    scale: 'log',
    groups: rows.filter(isLatency).map((r) => ({
      label: r.system,
      bars: [
        { label: 'p50', value: r.p50Ms! },
        { label: 'p99', value: r.p99Ms! },
        { label: 'p99.9', value: r.p999Ms! },
      ],
    })),
  };
}
