// Line charts: grouped series share one colour per group and differ by dash per kind, so a pod's
// desired, enacted and used CPU read as one pod; ungrouped series keep one colour each.
import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../../../sim/report/svg-chart.ts';

const points = (y: number) => [
  { x: 0, y },
  { x: 1, y: y + 1 },
];

/** stroke and dash of every drawn line, keyed by its aria label's series. */
function lines(svg: string): { series: string; stroke: string; dash: string }[] {
  return [
    ...svg.matchAll(
      /aria-label="[^"]*series: ([^;"]+)[^"]*"[^>]*stroke="(#[0-9a-f]+)"[^>]*stroke-dasharray="([^"]+)"/g,
    ),
  ].map((m) => ({ series: m[1]!, stroke: m[2]!, dash: m[3]! }));
}

describe('lineChartSvg', () => {
  it('draws a group in one colour and its kinds in different dashes', async () => {
    const svg = await lineChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 'a enacted', group: 'pod-a', kind: 'enacted', points: points(1) },
        { name: 'b enacted', group: 'pod-b', kind: 'enacted', points: points(2) },
        { name: 'a used', group: 'pod-a', kind: 'used', points: points(3) },
        { name: 'b used', group: 'pod-b', kind: 'used', points: points(4) },
      ],
    });
    const drawn = lines(svg);
    expect(drawn).toHaveLength(4);
    const a = drawn.filter((l) => l.series === 'pod-a');
    const b = drawn.filter((l) => l.series === 'pod-b');
    expect(new Set(a.map((l) => l.stroke)).size).toBe(1);
    expect(new Set(b.map((l) => l.stroke)).size).toBe(1);
    expect(a[0]!.stroke).not.toBe(b[0]!.stroke);
    expect(new Set(a.map((l) => l.dash)).size).toBe(2);
  });

  it('gives ungrouped series a colour each', async () => {
    const svg = await lineChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        { name: 'one', points: points(1) },
        { name: 'two', points: points(2) },
      ],
    });
    expect(new Set(lines(svg).map((l) => l.stroke)).size).toBe(2);
  });
});
