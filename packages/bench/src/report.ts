/** One line of a benchmark report: a figure and, where it has one, its same-run baseline. */
export interface Row {
  suite: string;
  scenario: string;
  system: string;
  msgsPerSec?: number;
  mbPerSec?: number;
  /** This row's throughput divided by its baseline's, measured in the same run. */
  ratio?: number;
  note?: string;
}

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined) return '';
  return n.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

export function printTable(rows: Row[]): void {
  const header = ['suite', 'scenario', 'system', 'ops/s', 'MB/s', 'vs baseline', 'note'];
  const lines = rows.map((r) => [
    r.suite,
    r.scenario,
    r.system,
    fmt(r.msgsPerSec),
    fmt(r.mbPerSec, 1),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 3 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ');
  process.stdout.write(`${render(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const l of lines) process.stdout.write(`${render(l)}\n`);
}
