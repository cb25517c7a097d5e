// Robustness across seeds: the same contenders and workloads re-run with other seeds of the arrival
// noise, summarised per workload and contender as mean (min–max) of SLO-violation time and × bound.
import type { Figures } from './figures.ts';

export interface SeedRow {
  workload: string;
  contender: string;
  seeds: number[];
  violationPct: { mean: number; min: number; max: number };
  vsBound: { mean: number; min: number; max: number };
}

/** One run's figures for one seed. */
export interface SeedFigures {
  workload: string;
  seed: number;
  figures: Pick<Figures, 'contender' | 'sloViolationPct' | 'vsBound'>;
}

/**
 * One row per workload and contender over every seed that ran for that pair: workloads in the
 * order they first appear, contenders in `contenderOrder` (others after, by first appearance).
 * Runs whose × bound is not finite are left out of its spread.
 */
export function seedRows(runs: readonly SeedFigures[], contenderOrder: readonly string[] = []): SeedRow[] {
  const rows = new Map<string, { workload: string; contender: string; runs: SeedFigures[] }>();
  for (const run of runs) {
    const key = `${run.workload}\u0000${run.figures.contender}`;
    const row = rows.get(key) ?? { workload: run.workload, contender: run.figures.contender, runs: [] };
    row.runs.push(run);
    rows.set(key, row);
  }
  const workloads = [...new Set(runs.map((r) => r.workload))];
  const rank = (c: string) => {
    const i = contenderOrder.indexOf(c);
    return i < 0 ? contenderOrder.length : i;
  };
  const sorted = [...rows.values()].sort(
    (a, b) =>
      workloads.indexOf(a.workload) - workloads.indexOf(b.workload) || rank(a.contender) - rank(b.contender),
  );
  return sorted.map((row) => ({
    workload: row.workload,
    contender: row.contender,
    seeds: row.runs.map((r) => r.seed),
    violationPct: spread(row.runs.map((r) => r.figures.sloViolationPct)),
    vsBound: spread(row.runs.map((r) => r.figures.vsBound).filter(Number.isFinite)),
  }));
}

function spread(xs: readonly number[]): { mean: number; min: number; max: number } {
  if (xs.length === 0) return { mean: Number.NaN, min: Number.NaN, max: Number.NaN };
  return {
    mean: xs.reduce((s, x) => s + x, 0) / xs.length,
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}

/** Markdown: one table per workload, contender · violation % mean (min–max) · × bound mean (min–max). */
export function seedsMarkdown(rows: readonly SeedRow[]): string {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  return workloads
    .map((w) => {
      const body = rows
        .filter((r) => r.workload === w)
        .map(
          (r) =>
            `| ${r.contender} | ${r.seeds.length} | ${range(r.violationPct, 1)} | ${range(r.vsBound, 2)} |`,
        )
        .join('\n');
      return `##### ${w}\n\n| contender | seeds | SLO viol. % mean (min–max) | × bound mean (min–max) |\n|---|---:|---:|---:|\n${body}\n`;
    })
    .join('\n');
}

function range(s: { mean: number; min: number; max: number }, digits: number): string {
  if (!Number.isFinite(s.mean)) return '—';
  return `${s.mean.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}
