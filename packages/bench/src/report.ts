/** One line of a benchmark report: a figure and, where it has one, its same-run baseline. */
export interface Row {
  suite: string;
  scenario: string;
  system: string;
  msgsPerSec?: number;
  mbPerSec?: number;
  /** Latency percentiles in milliseconds. */
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
  /** Resident memory of the server process. */
  rssMiB?: number;
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

interface Column {
  header: string;
  numeric: boolean;
  cell(row: Row): string;
}

const COLUMNS: Column[] = [
  { header: 'suite', numeric: false, cell: (r) => r.suite },
  { header: 'scenario', numeric: false, cell: (r) => r.scenario },
  { header: 'system', numeric: false, cell: (r) => r.system },
  { header: 'msgs/s', numeric: true, cell: (r) => fmt(r.msgsPerSec) },
  { header: 'MB/s', numeric: true, cell: (r) => fmt(r.mbPerSec, 1) },
  { header: 'p50 ms', numeric: true, cell: (r) => fmt(r.p50Ms, 2) },
  { header: 'p99 ms', numeric: true, cell: (r) => fmt(r.p99Ms, 2) },
  { header: 'p99.9 ms', numeric: true, cell: (r) => fmt(r.p999Ms, 2) },
  { header: 'RSS MiB', numeric: true, cell: (r) => fmt(r.rssMiB) },
  {
    header: 'vs baseline',
    numeric: true,
    cell: (r) => (r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`),
  },
  { header: 'note', numeric: false, cell: (r) => r.note ?? '' },
];

/** The report as aligned text lines; columns no row fills are left out. */
export function formatTable(rows: Row[]): string[] {
  const columns = COLUMNS.filter((c) => !c.numeric || rows.some((r) => c.cell(r) !== ''));
  const lines = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...lines.map((l) => l[i]!.length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (columns[i]!.numeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    render(columns.map((c) => c.header)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...lines.map(render),
  ];
}

export function printTable(rows: Row[]): void {
  for (const line of formatTable(rows)) process.stdout.write(`${line}\n`);
}
