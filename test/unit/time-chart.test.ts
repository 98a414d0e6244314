/** Time charts: hover titles escape what a dataset names, stacked areas share their edges, columns tile the plot. */
import { describe, expect, it } from 'vitest';
import { PLOT } from '../../src/reports/charts/frame.js';
import { timeLineChart, timeStackedChart, type TimeChartOptions } from '../../src/reports/charts/time-chart.js';

const FROM = Date.parse('2024-03-30T23:00:00Z');
const HOUR = 3_600_000;

function chart(series: TimeChartOptions['series'], digits?: number): TimeChartOptions {
  return {
    id: 'test',
    title: 'Test',
    caption: 'A chart.',
    unit: '<kWh>',
    instants: [FROM, FROM + HOUR, FROM + 3 * HOUR],
    from: FROM,
    to: FROM + 23 * HOUR,
    series,
    ...(digits === undefined ? {} : { digits }),
  };
}

const titles = (svg: string) => [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);

describe('time charts', () => {
  it('title each instant with its Paris time and every series, labels and unit escaped', () => {
    const svg = timeLineChart(
      chart(
        [
          { id: 'a', label: 'A & B', colour: '#000', values: [1234.56, null, -0.04] },
          { id: 'b', label: '"C"', colour: '#111', values: [2, 3, 4] },
        ],
        1,
      ),
    );
    expect(titles(svg)).toEqual([
      '00:00 (GMT+1)\nA &amp; B: 1,234.6 &lt;kWh&gt;\n&quot;C&quot;: 2 &lt;kWh&gt;',
      '01:00 (GMT+1)\nA &amp; B: –\n&quot;C&quot;: 3 &lt;kWh&gt;',
      '04:00 (GMT+2)\nA &amp; B: -0 &lt;kWh&gt;\n&quot;C&quot;: 4 &lt;kWh&gt;',
    ]);
  });

  it('stack areas on the edge of the one below, and title the total last', () => {
    const svg = timeStackedChart(
      chart([
        { id: 'low', label: 'Low', colour: '#000', values: [10, 20, null] },
        { id: 'high', label: 'High', colour: '#111', values: [5, 5, 5] },
      ]),
    );
    const [low = '', high = ''] = [...svg.matchAll(/class="area" d="([^"]*)"/g)].map((m) => m[1]);
    const top = (d: string) => d.slice(1).split('L').slice(0, 3);
    const bottom = (d: string) => d.replace(/Z$/, '').split('L').slice(3).reverse();
    expect(bottom(high)).toEqual(top(low));
    expect(titles(svg)[1]).toBe('01:00 (GMT+1)\nHigh: 5 &lt;kWh&gt;\nLow: 20 &lt;kWh&gt;\nTotal: 25 &lt;kWh&gt;');
  });

  it('tile the plot with hover columns reaching halfway to the next instant', () => {
    const svg = timeLineChart(chart([{ id: 'a', label: 'A', colour: '#000', values: [1, 2, 3] }]));
    const columns = [...svg.matchAll(/<rect class="hover" x="([^"]*)" y="[^"]*" width="([^"]*)"/g)].map((m) =>
      [m[1], m[2]].map(Number),
    );
    expect(columns.map(([x = 0]) => x)[0]).toBe(PLOT.left);
    const ends = columns.map(([x = 0, width = 0]) => x + width);
    expect(ends.at(-1)).toBeCloseTo(PLOT.right, 1);
    // x and width are rounded (to 0.1 and 0.01): the next column starts where this one ends, within that.
    columns.slice(1).forEach(([x = 0], i) => expect(Math.abs(x - (ends[i] ?? 0))).toBeLessThan(0.1));
  });
});
