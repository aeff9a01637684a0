import type { Row } from './report';
import type { Machine } from './results';

export interface PeerConfiguration {
  system: string;
  config: string;
  guarantee?: string;
}

const cell = (n: number | undefined, digits = 0) =>
  n === undefined
    ? ''
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The run as Markdown: machine, results table, targets, and every system's configuration. */
export function markdownSummary(
  rows: Row[],
  host: Machine,
  targets: string[],
  configs: PeerConfiguration[],
): string {
  const table = rows
    .filter((r) => r.suite !== 'protocol' && r.suite !== 'store' && r.suite !== 'broker')
    .map(
      (r) =>
        `| ${r.scenario} | ${r.system} | ${cell(r.msgsPerSec)} | ${cell(r.p50Ms, 2)} | ` +
        `${cell(r.p99Ms, 2)} | ${cell(r.p999Ms, 2)} | ${cell(r.rssMiB)} | ${r.note ?? ''} |`,
    );
  return [
    `# rocketnest benchmark results (${host.mode} run)`,
    '',
    `${host.date}: ${host.cpu}, ${host.cores} cores, ${host.memoryMiB} MiB, ${host.os}, ` +
      `node ${host.node}, load average ${host.loadAverageAtStart.toFixed(2)} at the start. ` +
      'All systems on 127.0.0.1, producer and consumer in one process.',
    '',
    '| scenario | system | msgs/s | p50 ms | p99 ms | p99.9 ms | RSS MiB | note |',
    '|---|---|--:|--:|--:|--:|--:|---|',
    ...table,
    '',
    '![throughput](throughput.svg)',
    '',
    '![latency](latency.svg)',
    '',
    '## Targets',
    '',
    ...targets.map((t) => `- ${t}`),
    '',
    '## Configuration of each system',
    '',
    ...configs.map(
      (c) =>
        `- **${c.system}**: ${c.config}${c.guarantee ? `. Weaker guarantee: ${c.guarantee}` : ''}`,
    ),
    '',
  ].join('\n');
}
