// The footprint figures an operator checks, by fixed names, picked out of a run's results; and the
// README's Performance table rendered from one or more runs (ranges over runs, with each run's
// reference-loop time).
import { blockBegin, blockEnd, replaceBlock } from '../readme-block.ts';
import type { BenchResult, HeadlineFigure, SpeedDocument } from './report.ts';
import { formatValue } from './stats.ts';

/** Name → what it means and where it must be (the footprint an operator accepts). */
export const HEADLINE = {
  'agent cpu % of one core': {
    what: 'agent process CPU, 110 pods, 1 s tick, embedded cluster',
    target: '≤ 3 %',
  },
  'agent rss p95 MiB': { what: 'agent process RSS, p95 of 1 s samples', target: '≤ 80 MiB' },
  'agent log bytes per s': { what: "agent's stdout at log level info", target: '≤ 1,024' },
  'api writes per pod per minute': {
    what: 'API writes, steady state, hub + agent, all verbs',
    target: '≤ 1',
  },
  'desired reversals within 10 s %': {
    what: 'PodScale desired CPU changes that reverse the previous change within 10 s',
    target: '≤ 2 %',
  },
  'resize latency p50 s': { what: 'load step ×3 on one pod → resize enacted, p50', target: '≤ 1.1 s' },
  'resize latency p90 s': { what: 'load step ×3 on one pod → resize enacted, p90', target: '≤ 2 s' },
  'hub period p99 ms': {
    what: 'hub control period (fold + plan + directives), 5,000 nodes / 150,000 pods',
    target: '≤ 300 ms',
  },
  'hub reports per s': {
    what: 'NodeReports the agent server handles over gRPC, saturated',
    target: '≥ 5,000',
  },
} as const;

export type HeadlineName = keyof typeof HEADLINE;
export const HEADLINE_NAMES = Object.keys(HEADLINE) as HeadlineName[];

/** The headline metrics found in the results (a name absent from every result is left out). */
export function headlineOf(results: readonly BenchResult[]): Record<string, HeadlineFigure> {
  const out: Record<string, HeadlineFigure> = {};
  for (const r of results) {
    for (const m of r.metrics) {
      if (!(m.name in HEADLINE)) continue;
      out[m.name] = {
        value: m.value,
        unit: m.unit,
        benchmark: r.name,
        referenceLoopMs: r.referenceLoopMs ?? null,
        ...(m.note === undefined ? {} : { note: m.note }),
      };
    }
  }
  return out;
}

function range(values: readonly number[], unit: HeadlineFigure['unit']): string {
  if (values.length === 0) return 'not measured';
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const low = formatValue(lo, unit);
  const high = formatValue(hi, unit);
  // ends that read the same once rounded are one figure
  return low === high ? low : `${low.replace(/ .*$/, '')}–${high}`;
}

/** Markdown table: one row per headline name, the range over the runs and their reference loops. */
export function performanceTable(runs: readonly SpeedDocument[]): string {
  const rows = ['| figure | what | measured | reference loop | must reach |', '|---|---|---|---|---|'];
  for (const name of HEADLINE_NAMES) {
    const figures = runs.map((d) => d.headline?.[name]).filter((f): f is HeadlineFigure => f !== undefined);
    const values = figures
      .map((f) => f.value)
      .filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
    const loops = figures.map((f) => f.referenceLoopMs).filter((v): v is number => typeof v === 'number');
    const unit = figures[0]?.unit ?? 'count';
    rows.push(
      `| \`${name}\` | ${HEADLINE[name].what} | ${range(values, unit)} (${values.length} run${values.length === 1 ? '' : 's'}) | ${range(loops.map(Math.round), 'ms')} | ${HEADLINE[name].target} |`,
    );
  }
  return rows.join('\n');
}

export const TABLE_BEGIN = blockBegin('speed table');
export const TABLE_END = blockEnd('speed table');

/** The README text with the block between the markers replaced by `table`; throws without markers. */
export function replaceTable(readme: string, block: string): string {
  return replaceBlock(readme, 'speed table', block);
}
