export type Cell = string | number | undefined;

/** Prints rows under headers, columns padded; numbers right-aligned. */
export function printTable(headers: string[], rows: Cell[][]): void {
  const text = rows.map((row) => row.map((c) => (c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => isNumber(r[i])));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  process.stdout.write([line(headers), ...text.map(line)].join('\n') + '\n');
}

/** Prints `label  value` pairs, labels aligned. */
export function printFields(fields: [string, Cell][]): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) {
    if (value !== undefined) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
  }
}

/** One JSON document (pretty) or one JSON line (`line`). */
export function printJson(value: unknown, line = false): void {
  process.stdout.write(`${line ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
}

function isNumber(cell: Cell): boolean {
  return typeof cell === 'number';
}
