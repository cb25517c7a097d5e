// Line charts as standalone SVG (vega-lite compiled, rendered headless by vega): used by the demo
// report and the benchmarks.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ChartSeries {
  name: string;
  points: { x: number; y: number }[];
  /** Dashed line (e.g. an objective or a bound). */
  dashed?: boolean;
  /**
   * Series of one group share a colour and differ by `kind`, drawn solid, dashed, dotted in the order
   * kinds first appear (e.g. one colour per pod, its desired / enacted / used CPU told apart by dash).
   */
  group?: string;
  kind?: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
  /** Step interpolation (allocations and replica counts change in steps). */
  step?: boolean;
  /** Clip the y axis here (outliers would flatten the interesting range). */
  yMax?: number;
  /** Lower end of the y axis when it should not start at 0. */
  yMin?: number;
}

const DASHES = [
  [1, 0],
  [6, 4],
  [2, 2],
  [8, 3, 2, 3],
];

export async function lineChartSvg(options: LineChartOptions): Promise<string> {
  const grouped = options.series.some((s) => s.group !== undefined);
  const kinds = [...new Set(options.series.map((s) => s.kind ?? (s.dashed ? 'dashed' : 'solid')))];
  const values = options.series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p) => ({
        x: p.x,
        y: p.y,
        series: grouped ? (s.group ?? s.name) : s.name,
        dashed: s.dashed === true,
        kind: s.kind ?? (s.dashed ? 'dashed' : 'solid'),
        line: s.name,
      })),
  );
  const colors = [...new Set(options.series.map((s) => (grouped ? (s.group ?? s.name) : s.name)))];
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 220,
    data: { values },
    mark: { type: 'line', interpolate: options.step ? 'step-after' : 'linear', strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xLabel },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yLabel,
        ...(options.yMax !== undefined ? { scale: { domain: [options.yMin ?? 0, options.yMax] } } : {}),
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: colors,
        // tableau10's hues are far apart; the default cycles 10 near-alike blues and oranges sooner
        scale: { scheme: colors.length <= 10 ? 'tableau10' : 'category20' },
        legend: { labelLimit: 320 },
      },
      ...(grouped
        ? {
            strokeDash: {
              field: 'kind',
              type: 'nominal',
              title: null,
              scale: { domain: kinds, range: kinds.map((_, i) => DASHES[i % DASHES.length]!) },
            },
            detail: { field: 'line', type: 'nominal' },
          }
        : {
            strokeDash: {
              field: 'dashed',
              type: 'nominal',
              scale: { domain: [false, true], range: [DASHES[0]!, DASHES[1]!] },
              legend: null,
            },
          }),
    },
    config: { font: 'sans-serif', background: 'white' },
  };
  return vegaLiteToSvg(spec);
}

/** Renders a vega-lite spec to a standalone SVG string, headless (no canvas). */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
