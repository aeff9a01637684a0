/** A horizontal bar chart as a standalone SVG document: no library, just text. */
export interface Bar {
  label: string;
  value: number;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChart {
  title: string;
  unit: string;
  groups: BarGroup[];
  /**
   * `per-group`: linear, each group's largest bar spans the bar area (groups differ in scale);
   * `log`: one logarithmic axis for all bars (values spanning several orders of magnitude).
   */
  scale: 'per-group' | 'log';
}

const WIDTH = 900;
const LABEL_WIDTH = 280;
const BAR_AREA = 480;
const ROW = 22;
const PALETTE = ['#d9480f', '#1971c2', '#2f9e44', '#7048e8', '#e67700', '#0c8599', '#c2255c'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const formatValue = (v: number) =>
  v.toLocaleString('en-US', { maximumFractionDigits: v < 10 ? 2 : 0 });

/** One color per distinct bar label, in order of first appearance. */
function colors(groups: BarGroup[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const bar of groups.flatMap((g) => g.bars))
    if (!map.has(bar.label)) map.set(bar.label, PALETTE[map.size % PALETTE.length]!);
  return map;
}

/** Bar length in pixels for each value of a group. */
function lengths(chart: BarChart, group: BarGroup): number[] {
  const values = group.bars.map((b) => b.value);
  if (chart.scale === 'per-group') {
    const max = Math.max(0, ...values);
    return values.map((v) => (max > 0 ? (v / max) * BAR_AREA : 0));
  }
  const all = chart.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const lo = Math.log10(Math.min(...all) / 2);
  const hi = Math.log10(Math.max(...all));
  return values.map((v) => (v > 0 ? ((Math.log10(v) - lo) / (hi - lo)) * BAR_AREA : 0));
}

export function barChartSvg(chart: BarChart): string {
  const color = colors(chart.groups);
  const parts: string[] = [];
  let y = 40;
  parts.push(
    `<text x="10" y="24" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
  );
  for (const group of chart.groups) {
    y += 8;
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${escapeXml(group.label)}</text>`);
    y += ROW;
    const widths = lengths(chart, group);
    for (const [i, bar] of group.bars.entries()) {
      const width = Math.max(1, widths[i]!);
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect class="bar" x="${LABEL_WIDTH}" y="${y + 2}" width="${width.toFixed(1)}" ` +
          `height="${ROW - 6}" fill="${color.get(bar.label)}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 14}">` +
          `${formatValue(bar.value)} ${escapeXml(chart.unit)}</text>`,
      );
      y += ROW;
    }
  }
  const height = y + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
