import { latencyChart, throughputChart } from '../src/charts/peer-charts';
import { barChartSvg, type BarChart } from '../src/charts/svg';
import { SCENARIO } from '../src/peers/scenario-names';
import type { Row } from '../src/report';
import { buildResults, machine } from '../src/results';

/** A small XML well-formedness check: every element closed in order, attributes quoted. */
function parseElements(svg: string): { name: string; attrs: Record<string, string> }[] {
  const elements: { name: string; attrs: Record<string, string> }[] = [];
  const open: string[] = [];
  const tag = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    expect(between).not.toMatch(/[<>]|&(?!#\d+;|amp;|lt;|gt;|quot;)/);
    last = tag.lastIndex;
    const [, closing, name, rawAttrs, selfClosing] = m;
    if (closing) {
      expect(open.pop()).toBe(name);
      continue;
    }
    const attrs = Object.fromEntries(
      [...rawAttrs!.matchAll(/([a-zA-Z:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]),
    );
    elements.push({ name: name!, attrs });
    if (!selfClosing) open.push(name!);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(open).toEqual([]);
  return elements;
}

const chart: BarChart = {
  title: 'Throughput <1 KiB> & more',
  unit: 'msg/s',
  groups: [
    {
      label: 'produce',
      bars: [
        { label: 'a', value: 40_000 },
        { label: 'b & "c"', value: 10_000 },
      ],
    },
    { label: 'drain', bars: [{ label: 'a', value: 20_000 }] },
  ],
  scale: 'per-group',
};

describe('bar chart SVG', () => {
  it('is a well-formed SVG document with one bar per value', () => {
    const elements = parseElements(barChartSvg(chart));
    expect(elements[0]).toMatchObject({
      name: 'svg',
      attrs: { xmlns: 'http://www.w3.org/2000/svg' },
    });
    expect(elements.filter((e) => e.attrs.class === 'bar')).toHaveLength(3);
  });

  const barWidths = (c: BarChart) =>
    parseElements(barChartSvg(c))
      .filter((e) => e.attrs.class === 'bar')
      .map((e) => Number(e.attrs.width));

  it('scales each group linearly to its own largest bar', () => {
    const widths = barWidths(chart);
    expect(widths[0]).toBeCloseTo(480, 0);
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.25, 2);
    expect(widths[2]).toBeCloseTo(480, 0);
  });

  it('puts every bar on one logarithmic axis in log scale', () => {
    const widths = barWidths({ ...chart, scale: 'log' });
    // lo = 10,000 / 2: 40,000 spans the area, 20,000 and 10,000 are 2/3 and 1/3 of it.
    expect(widths[0]).toBeCloseTo(480, 0);
    expect(widths[2]! / widths[0]!).toBeCloseTo(2 / 3, 2);
    expect(widths[1]! / widths[0]!).toBeCloseTo(1 / 3, 2);
  });

  it('escapes markup in titles and labels and gives the same label the same color', () => {
    const svg = barChartSvg(chart);
    expect(svg).toContain('Throughput &#60;1 KiB&#62; &#38; more');
    expect(svg).toContain('b &#38; &#34;c&#34;');
    const fills = parseElements(svg)
      .filter((e) => e.attrs.class === 'bar')
      .map((e) => e.attrs.fill);
    expect(fills[0]).toBe(fills[2]);
    expect(fills[0]).not.toBe(fills[1]);
  });
});

const rows: Row[] = [
  { suite: 'peers', scenario: SCENARIO.produce, system: 'x', msgsPerSec: 1000.12345, ratio: 1 },
  { suite: 'peers', scenario: SCENARIO.latency, system: 'x', p50Ms: 1, p99Ms: 2, p999Ms: 3 },
  { suite: 'peers', scenario: 'all', system: 'y', note: 'skipped: down' },
  { suite: 'store', scenario: 'append', system: 'z', mbPerSec: 5, note: 'n' },
];

describe('results', () => {
  it('keeps exactly the published fields, drops rows without figures, prefixes other suites', () => {
    const results = buildResults(rows, machine('quick'));
    expect(Object.keys(results)).toEqual(['machine', 'scenarios']);
    expect(results.scenarios).toEqual([
      { scenario: SCENARIO.produce, system: 'x', msgsPerSec: 1000.123 },
      { scenario: SCENARIO.latency, system: 'x', p50Ms: 1, p99Ms: 2, p999Ms: 3 },
      { scenario: 'store: append', system: 'z', mbPerSec: 5 },
    ]);
    expect(results.machine.cores).toBeGreaterThan(0);
  });

  it('charts throughput per scenario and the three latency percentiles per system', () => {
    expect(throughputChart(rows).scale).toBe('per-group');
    expect(latencyChart(rows).scale).toBe('log');
    expect(throughputChart(rows).groups).toEqual([
      { label: SCENARIO.produce, bars: [{ label: 'x', value: 1000.12345 }] },
    ]);
    expect(latencyChart(rows).groups).toEqual([
      {
        label: 'x',
        bars: [
          { label: 'p50', value: 1 },
          { label: 'p99', value: 2 },
          { label: 'p99.9', value: 3 },
        ],
      },
    ]);
  });
});
