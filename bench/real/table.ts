// real.json as the README's table: per workload × contender what the client saw, what it cost, how
// often it acted, and what kosmos's own processes used. A file of repeated runs (`--repeat`) gives one
// line per workload × contender: each run's violation in run order, ranges for the rest.
//   node bench/real/table.ts [bench/results/real/real.json] [--update README.md]
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { printOrUpdate } from '../readme-block.ts';

interface Row {
  workload: string;
  contender: string;
  clientViolationPct: number;
  clientP99Ms: number;
  errorsPct: number;
  coreSecondsAllocated: number;
  coreSecondsUsed: number;
  resizes: number;
  replicaChanges: number;
  apiWritesPerPodPerMinute: number;
  /** Older real.json files lack it. */
  steadyWrites?: { apiWritesPerPodPerMinute: number; writes: number; podSeconds: number } | { why: string };
  processes: { name: string; cpuPercentOfCore: number; maxRssMiB: number }[];
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  /** 0-based run index under `--repeat` (older real.json files lack it: one run). */
  repeat?: number;
}

const CONTENDER_NAMES: Record<string, string> = {
  kosmos: 'kosmos',
  'hpa-burstable': 'HPA 60 %, Burstable',
  'hpa-guaranteed': 'HPA 60 %, Guaranteed',
  static: 'static 2 × 300m',
  'kosmos-equal-split': 'kosmos, equal split',
};

const f = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '-');
const range = (xs: number[], d = 1) => {
  const [lo, hi] = [f(Math.min(...xs), d), f(Math.max(...xs), d)];
  return lo === hi ? lo : `${lo}–${hi}`;
};
const footprint = (ps: Row['processes']) =>
  ps.length === 0
    ? '-'
    : `${range(ps.map((p) => p.cpuPercentOfCore))} % · ${range(
        ps.map((p) => p.maxRssMiB),
        0,
      )} MiB`;

/** Pure: the rows as a markdown table (one line per run; per workload × contender when repeated). */
export function markdownTable(rows: readonly Row[]): string {
  if (blockFor(rows) === REAL_REPEATS_BLOCK) return repeatedTable(rows);
  const lines = [
    '| workload | contender | client SLO violation | client p99 | errors | core-s allocated / used | resizes | replica changes | API writes / pod / min: run · steady | hub CPU · RSS | agents CPU · RSS | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const steady = (s: Row['steadyWrites']) =>
    s === undefined
      ? '-'
      : 'why' in s
        ? 'no steady phase'
        : `${f(s.apiWritesPerPodPerMinute, 2)} (${s.writes} in ${s.podSeconds} pod-s)`;
  for (const r of rows) {
    const hub = r.processes.filter((p) => p.name === 'hub');
    const agents = r.processes.filter((p) => p.name.startsWith('agent'));
    lines.push(
      `| ${r.workload} | ${CONTENDER_NAMES[r.contender] ?? r.contender} | ${f(r.clientViolationPct)} % | ${f(r.clientP99Ms)} ms | ${f(r.errorsPct, 1)} % | ${f(r.coreSecondsAllocated, 1)} / ${f(r.coreSecondsUsed, 1)} | ${r.resizes} | ${r.replicaChanges} | ${f(r.apiWritesPerPodPerMinute, 1)} · ${steady(r.steadyWrites)} | ${footprint(hub)} | ${footprint(agents)} | ${f(r.loadAverageBefore[0] ?? Number.NaN, 1)} → ${f(r.loadAverageAfter[0] ?? Number.NaN, 1)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Pure: repeated runs, one line per workload × contender in first-seen order: the client SLO
 * violation of every run in run order (the worst run is in the line), ranges over the runs for the
 * other figures, the steady-phase writes over the runs that had one.
 */
function repeatedTable(rows: readonly Row[]): string {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.workload}\u0000${r.contender}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const lines = [
    '| workload | contender | runs | client SLO violation, per run | client p99 | errors | core-s allocated / used | resizes | replica changes | API writes / pod / min: run · steady | hub CPU · RSS | agents CPU · RSS | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const g of groups.values()) {
    const runs = [...g].sort((a, b) => (a.repeat ?? 0) - (b.repeat ?? 0));
    const all = (pick: (r: Row) => number, d = 1) => range(runs.map(pick), d);
    const steady = runs.flatMap((r) =>
      r.steadyWrites && !('why' in r.steadyWrites) ? [r.steadyWrites.apiWritesPerPodPerMinute] : [],
    );
    const load = runs.flatMap((r) => [
      r.loadAverageBefore[0] ?? Number.NaN,
      r.loadAverageAfter[0] ?? Number.NaN,
    ]);
    const procs = runs.flatMap((r) => r.processes);
    const r0 = runs[0]!;
    lines.push(
      `| ${r0.workload} | ${CONTENDER_NAMES[r0.contender] ?? r0.contender} | ${runs.length} | ${runs.map((r) => f(r.clientViolationPct)).join(' · ')} % | ${all((r) => r.clientP99Ms, 0)} ms | ${all((r) => r.errorsPct)} % | ${all((r) => r.coreSecondsAllocated)} / ${all((r) => r.coreSecondsUsed)} | ${all((r) => r.resizes, 0)} | ${all((r) => r.replicaChanges, 0)} | ${all((r) => r.apiWritesPerPodPerMinute)} · ${steady.length ? range(steady, 2) : 'no steady phase'} | ${footprint(procs.filter((p) => p.name === 'hub'))} | ${footprint(procs.filter((p) => p.name.startsWith('agent')))} | ${range(load)} |`,
    );
  }
  return lines.join('\n');
}

/** The generated block of the README this writes with --update. */
export const REAL_TABLE_BLOCK = 'real table';
/** …and with a file of repeated runs (one line per pair). */
export const REAL_REPEATS_BLOCK = 'real repeats';
export const REAL_TABLE_COMMAND = 'node bench/real/table.ts --update README.md';

/** Which README block a file's table goes to: repeated runs have their own. */
export const blockFor = (rows: readonly Row[]): string =>
  rows.some((r) => (r.repeat ?? 0) > 0) ? REAL_REPEATS_BLOCK : REAL_TABLE_BLOCK;

if (import.meta.url === `file://${process.argv[1]}`) {
  const program = new Command('table')
    .description("bench:real's real.json as the README's table")
    .argument('[file]', 'real.json written by npm run bench:real', 'bench/results/real/real.json')
    .option(
      '--update <file>',
      "replace the README's generated real-process table (the repeats table for a --repeat file) instead of printing it",
    )
    .parse();
  const [file] = program.processedArgs as [string];
  const o = program.opts<{ update?: string }>();
  const report = JSON.parse(readFileSync(file, 'utf8')) as { results: Row[] };
  const table = markdownTable(report.results);
  printOrUpdate('table', table, o.update, blockFor(report.results), REAL_TABLE_COMMAND);
}
