// Line charts as standalone SVG (vega-lite compiled, rendered headless by vega): used by the demo
// report and the benchmarks.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface ChartSeries {
  name: string;
  points: { x: number; y: number }[];
  /** Dashed line (e.g. an objective or a bound). */
  dashed?: boolean;
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
}

export async function lineChartSvg(options: LineChartOptions): Promise<string> {
  const values = options.series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p) => ({ x: p.x, y: p.y, series: s.name, dashed: s.dashed === true })),
  );
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
        ...(options.yMax !== undefined ? { scale: { domain: [0, options.yMax] } } : {}),
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: options.series.map((s) => s.name),
        legend: { labelLimit: 320 },
      },
      strokeDash: {
        field: 'dashed',
        type: 'nominal',
        scale: {
          domain: [false, true],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
        legend: null,
      },
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
