// SVG charts of one workload (vega-lite → vega → SVG, no canvas): the SLA statistic over time per
// service and contender against the SLO, and allocated cores over time per contender, and the violation-vs-cores Pareto fronts.
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteToSvg } from '../../sim/report/svg-chart.ts';
import type { FamilyFront } from './fronts.ts';
import type { SeriesPoint } from './run-job.ts';

export type ChartInput = {
  workload: string;
  series: { contender: string; points: SeriesPoint[] }[];
};

/** Response time (the SLA statistic, log scale) per contender, one panel per service, SLO as a rule. */
export async function responseTimeChart(input: ChartInput): Promise<string> {
  const values = input.series.flatMap((s) =>
    s.points
      .filter((p) => p.rtMs !== null)
      .map((p) => ({ ...p, contender: s.contender, rtMs: Math.max(1, p.rtMs!) })),
  );
  return vegaLiteToSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${input.workload}: response time (SLA statistic) vs SLO`,
    data: { values },
    facet: { row: { field: 'service', type: 'nominal' } },
    spec: {
      width: 720,
      height: 200,
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1 },
          encoding: {
            x: { field: 't', type: 'quantitative', title: 'simulated seconds' },
            y: { field: 'rtMs', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
            color: { field: 'contender', type: 'nominal' },
          },
        },
        {
          mark: { type: 'rule', color: 'black', strokeDash: [4, 4] },
          encoding: { y: { field: 'sloMs', type: 'quantitative', aggregate: 'max' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as unknown as TopLevelSpec);
}

/** Allocated cores (all services) over time per contender. */
export async function coresChart(input: ChartInput): Promise<string> {
  const values = input.series.flatMap((s) => {
    const byT = new Map<number, number>();
    for (const p of s.points) byT.set(p.t, (byT.get(p.t) ?? 0) + p.cores);
    return [...byT].map(([t, cores]) => ({ t, cores, contender: s.contender }));
  });
  return vegaLiteToSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${input.workload}: allocated cores`,
    width: 720,
    height: 260,
    data: { values },
    mark: { type: 'line', strokeWidth: 1 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'simulated seconds' },
      y: { field: 'cores', type: 'quantitative', title: 'cores' },
      color: { field: 'contender', type: 'nominal' },
    },
  });
}

/** Violation vs cores (× the bound), every contender a point (mean over seeds), each family's front a line. */
export async function frontsChart(workload: string, fronts: readonly FamilyFront[]): Promise<string> {
  const points = fronts.flatMap((f) =>
    f.points.map((p) => ({ family: f.family, name: p.name, x: p.vsBound, y: p.violationPct, front: false })),
  );
  const lines = fronts.flatMap((f) =>
    f.front.map((p, i) => ({ family: f.family, x: p.vsBound, y: p.violationPct, order: i })),
  );
  const x = { field: 'x', type: 'quantitative', title: 'core-seconds ÷ lower bound', scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: 'SLO violation time %' };
  const color = { field: 'family', type: 'nominal' };
  return vegaLiteToSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${workload}: violation vs cores (Pareto fronts, mean over seeds; down and left is better)`,
    width: 720,
    height: 360,
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y, color, order: { field: 'order', type: 'quantitative' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 40 },
        encoding: { x, y, color, tooltip: { field: 'name', type: 'nominal' } },
      },
    ],
  } as unknown as TopLevelSpec);
}
