// The testbed-vs-simulator table of docs/benchmark.md, from the files: the simulator's figures from
// sim.json (written by sim-compare.ts) beside the testbed's from real.json, so the table can be
// regenerated after a new run without re-running either.
//   node bench/real/sim-table.ts [--real bench/results/real/real.json] [--sim bench/results/real/sim.json]
//     [--update docs/benchmark.md]
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { printOrUpdate } from '../readme-block.ts';

/** One simulated or measured side of a row (sim.json's `sim`, `simCalibrated`, `real`). */
export type SideFigures = Partial<
  Record<
    | 'violationPct'
    | 'p50Ms'
    | 'p99Ms'
    | 'coreSecondsAllocated'
    | 'coreSecondsUsed'
    | 'resizes'
    | 'replicaChanges'
    | 'requests'
    | 'droppedPct'
    | 'cpuPerRequestMs',
    number
  >
>;

export interface ComparisonRow {
  workload: string;
  contender: string;
  sim: SideFigures;
  simCalibrated?: SideFigures;
  real: SideFigures;
}

/** real.json's result rows, as the comparison's `real` side. */
export interface RealResult {
  workload: string;
  contender: string;
  clientViolationPct: number;
  clientP50Ms: number;
  clientP99Ms: number;
  coreSecondsAllocated: number;
  coreSecondsUsed: number;
  resizes: number;
  replicaChanges: number;
}

export function realSide(r: RealResult): SideFigures {
  return {
    violationPct: r.clientViolationPct,
    p50Ms: r.clientP50Ms,
    p99Ms: r.clientP99Ms,
    coreSecondsAllocated: r.coreSecondsAllocated,
    coreSecondsUsed: r.coreSecondsUsed,
    resizes: r.resizes,
    replicaChanges: r.replicaChanges,
  };
}

/** Pure: the rows as docs/benchmark.md's markdown table (simulator / calibrated / testbed). */
export function comparisonTable(rows: readonly ComparisonRow[]): string {
  const n = (v: number | undefined, d = 0) => (v !== undefined && Number.isFinite(v) ? v.toFixed(d) : '-');
  const lines = [
    '| workload | contender | violation % sim / calibrated / real | p50 ms sim / cal. / real | p99 ms sim / cal. / real | core-s allocated sim / cal. / real | core-s used sim / cal. / real | resizes sim / cal. / real | replica changes sim / cal. / real |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const c = row.simCalibrated ?? {};
    const three = (k: keyof SideFigures, d = 0) =>
      `${n(row.sim[k], d)} / ${n(c[k], d)} / ${n(row.real[k], d)}`;
    lines.push(
      `| ${row.workload} | ${row.contender} | ${three('violationPct')} | ${three('p50Ms')} | ${three('p99Ms')} | ${three('coreSecondsAllocated', 1)} | ${three('coreSecondsUsed', 1)} | ${three('resizes')} | ${three('replicaChanges')} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Pure: sim.json's rows with their testbed side taken from real.json where it has the row (a newer
 * run than the one sim.json was made beside); a row real.json lacks keeps sim.json's copy.
 */
export function withRealSide(
  rows: readonly ComparisonRow[],
  real: readonly RealResult[] | undefined,
): ComparisonRow[] {
  return rows.map((row) => {
    const r = real?.find((x) => x.workload === row.workload && x.contender === row.contender);
    return r ? { ...row, real: realSide(r) } : row;
  });
}

/** The generated block of docs/benchmark.md this writes with --update. */
export const SIM_TABLE_BLOCK = 'sim comparison';
export const SIM_TABLE_COMMAND = 'node bench/real/sim-table.ts --update docs/benchmark.md';

if (import.meta.url === `file://${process.argv[1]}`) {
  const o = new Command('sim-table')
    .description("docs/benchmark.md's testbed-vs-simulator table from real.json and sim.json")
    .option('--real <file>', 'the testbed run', 'bench/results/real/real.json')
    .option('--sim <file>', "sim-compare.ts's output for that run", 'bench/results/real/sim.json')
    .option(
      '--update <file>',
      'replace the table in this markdown file (docs/benchmark.md) instead of printing it',
    )
    .parse()
    .opts<{ real: string; sim: string; update?: string }>();
  const sim = JSON.parse(readFileSync(o.sim, 'utf8')) as { rows: ComparisonRow[] };
  const real = JSON.parse(readFileSync(o.real, 'utf8')) as { results: RealResult[] };
  const table = comparisonTable(withRealSide(sim.rows, real.results));
  printOrUpdate('sim-table', table, o.update, SIM_TABLE_BLOCK, SIM_TABLE_COMMAND);
}
