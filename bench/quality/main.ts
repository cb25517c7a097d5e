// npm run bench:quality — every contender on every workload in the discrete engine, side by side:
// prints a table per workload, writes bench/results/quality*.json and SVG charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import { type BalancingRow, balancingMarkdown, balancingRow, balancingTable } from './balancing.ts';
import { coresChart, responseTimeChart } from './charts.ts';
import { CONTENDERS, type ContenderName, OPT_IN_CONTENDERS } from './contenders.ts';
import { runPool } from './pool.ts';
import { goalChecks, goalTable, markdownTable, terminalTable, type WorkloadResult } from './report.ts';
import type { JobResult, JobSpec } from './run-job.ts';
import { type SeedFigures, seedRows, seedsMarkdown } from './seeds.ts';
import { type SplitName, splitOf, TEST_WINDOWS, TRAINING_WINDOWS } from './split.ts';
import {
  checkTraceWindowFiles,
  readTraceWindowsFile,
  type TraceWindows,
  TraceWindowsError,
} from './trace-windows.ts';
import { parseTuning } from './tuning.ts';
import {
  FULL_DURATION_SECONDS,
  fullDurationSeconds,
  QUICK_FRACTION,
  SYNTHETIC_WORKLOADS,
} from './workloads.ts';

function listOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string): T[] => {
    const names = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const n of names) {
      if (!allowed.includes(n as T))
        throw new InvalidArgumentError(`unknown ${what} "${n}" (one of: ${allowed.join(', ')})`);
    }
    return names as T[];
  };
}

/** "none" → no repeats; else comma-separated positive integers. */
function seedList(value: string): number[] {
  if (value.trim() === 'none') return [];
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0)
      throw new InvalidArgumentError(`"${s}" is not a positive integer seed (or use "none")`);
    return n;
  });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

const program = new Command('bench:quality')
  .description(
    'Control-quality benchmark: kosmos vs HPA, VPA, KOSMOS-original and static, on test days of real traces and synthetic shapes',
  )
  .option(
    '--quick',
    `short run (the first ${QUICK_FRACTION * 100} % of each workload; a full one replays a 24 h window in ${FULL_DURATION_SECONDS} simulated s)`,
  )
  .option(
    '--split <name>',
    'which days of the shipped traces to run: test (what the tables report) or training (what tuning may look at)',
    (v: string): SplitName => {
      if (v !== 'test' && v !== 'training') throw new InvalidArgumentError('one of: test, training');
      return v;
    },
    'test' as SplitName,
  )
  .option(
    '--trace-windows <file>',
    'JSON: workload → {frontend: {file, startSeconds, lengthSeconds, compression, meanRps}, backend: {…}} — replaces the built-in trace windows (file: one non-negative integer per line, or CSV with an "rps" column; plain or gzipped)',
  )
  .option(
    '--workload <names>',
    `comma-separated workloads: the trace windows' names (built in: ${Object.keys(TEST_WINDOWS).join(', ')}) and ${SYNTHETIC_WORKLOADS.join(', ')}`,
    (v: string) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
  )
  .option(
    '--contender <names>',
    `comma-separated subset of: ${CONTENDERS.join(', ')}; also (only when named) ${OPT_IN_CONTENDERS.join(', ')}`,
    listOf([...CONTENDERS, ...OPT_IN_CONTENDERS], 'contender'),
  )
  .option('--duration <seconds>', 'simulated seconds per workload (overrides --quick)', positiveInt)
  .option('--seed <n>', 'seed of the arrival noise for the detailed tables and charts', positiveInt, 42)
  .option(
    '--repeat-seeds <list>',
    'more seeds to re-run every contender with, for the "across seeds" tables (mean, min–max); "none" to skip',
    seedList,
    [1, 2, 3, 4],
  )
  .option('--threads <n>', 'worker threads', positiveInt, Math.max(1, Math.min(2, availableParallelism())))
  .option('--out <dir>', 'where JSON and SVG results go', 'bench/results')
  .option('--no-charts', 'skip the SVG charts')
  .option(
    '--kosmos-tuning <json>',
    'override the kosmos recommender tuning for the kosmos contenders (analysis of the control law; see docs/benchmark.md)',
    parseTuning,
  )
  .addHelpText(
    'after',
    '\nResults: <out>/quality.json (all), <out>/quality-<workload>.json, <out>/quality-<workload>-{rt,cores}.svg, <out>/quality.md',
  );

type Options = {
  quick?: boolean;
  split: SplitName;
  traceWindows?: string;
  workload?: string[];
  contender?: ContenderName[];
  duration?: number;
  seed: number;
  repeatSeeds: number[];
  threads: number;
  out: string;
  charts: boolean;
  kosmosTuning?: Partial<KosmosTuning>;
};

/** The trace windows to run (a user's file replaces the built-in ones) and the workloads chosen. */
async function selectWorkloads(opts: Options): Promise<{ windows: TraceWindows; workloads: string[] }> {
  const windows = opts.traceWindows
    ? readTraceWindowsFile(opts.traceWindows)
    : opts.split === 'training'
      ? TRAINING_WINDOWS
      : TEST_WINDOWS;
  const available = [...Object.keys(windows), ...SYNTHETIC_WORKLOADS];
  // A user's own traffic runs alone unless synthetic workloads are asked for by name.
  const workloads = opts.workload ?? (opts.traceWindows ? Object.keys(windows) : available);
  for (const w of workloads) {
    if (!available.includes(w))
      throw new InvalidArgumentError(`unknown workload "${w}" (one of: ${available.join(', ')})`);
  }
  const used: TraceWindows = {};
  for (const w of workloads) if (windows[w]) used[w] = windows[w];
  await checkTraceWindowFiles(used);
  return { windows: used, workloads };
}

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<Options>();
  let selected: { windows: TraceWindows; workloads: string[] };
  try {
    selected = await selectWorkloads(opts);
  } catch (err) {
    if (err instanceof TraceWindowsError || err instanceof InvalidArgumentError) program.error(err.message);
    throw err;
  }
  const { windows, workloads } = selected;
  const contenders = opts.contender ?? [...CONTENDERS];
  const durationOf = (workload: string): number => {
    const full = fullDurationSeconds(windows[workload]);
    return opts.duration ?? (opts.quick ? Math.round(full * QUICK_FRACTION) : full);
  };
  const jobs: JobSpec[] = workloads.flatMap((workload) =>
    contenders.map((contender) => ({
      workload,
      ...(windows[workload] ? { traceWindows: windows[workload] } : {}),
      contender,
      durationSeconds: durationOf(workload),
      seed: opts.seed,
      chartBucketSeconds: Math.max(5, Math.round(durationOf(workload) / 240)),
      ...(opts.kosmosTuning ? { kosmosTuning: opts.kosmosTuning } : {}),
    })),
  );
  const started = performance.now();
  process.stderr.write(`bench:quality: ${jobs.length} runs on ${opts.threads} threads\n`);
  const results = await runPool(jobs, opts.threads, (r, done) => {
    const what = `${r.spec.workload}/${r.spec.contender}`;
    const how = r.ok ? `${(r.wallMs / 1000).toFixed(1)} s` : `skipped: ${r.reason.split('\n')[0]}`;
    process.stderr.write(`  [${done}/${jobs.length}] ${what} ${how}\n`);
  });
  const byWorkload: WorkloadResult[] = [];
  for (const workload of workloads) {
    const ok = results.filter(
      (r): r is Extract<JobResult, { ok: true }> => r.ok && r.spec.workload === workload,
    );
    ok.sort((a, b) => contenders.indexOf(a.spec.contender) - contenders.indexOf(b.spec.contender));
    if (ok.length === 0) continue;
    byWorkload.push({
      workload,
      optimumCoreSeconds: ok[0]!.optimumCoreSeconds,
      figures: ok.map((r) => r.figures),
    });
  }
  const repeats = [...new Set(opts.repeatSeeds)].filter((seed) => seed !== opts.seed);
  const seedRuns: SeedFigures[] = results.flatMap((r) =>
    r.ok ? [{ workload: r.spec.workload, seed: opts.seed, figures: r.figures }] : [],
  );
  if (repeats.length > 0) {
    const again = repeats.flatMap((seed) => jobs.map((j) => ({ ...j, seed })));
    process.stderr.write(`bench:quality: ${again.length} more runs for seeds ${repeats.join(', ')}\n`);
    const more = await runPool(again, opts.threads, () => {});
    for (const r of more) {
      if (r.ok) seedRuns.push({ workload: r.spec.workload, seed: r.spec.seed, figures: r.figures });
    }
  }
  const acrossSeeds = repeats.length > 0 ? seedRows(seedRuns, contenders) : [];
  const wallSeconds = (performance.now() - started) / 1000;
  const out = resolve(opts.out);
  mkdirSync(out, { recursive: true });
  const meta = {
    command: `npm run bench:quality${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    durationSeconds: Object.fromEntries(workloads.map((w) => [w, durationOf(w)])),
    seed: opts.seed,
    repeatSeeds: repeats,
    kosmosTuning: opts.kosmosTuning ?? {},
    split: opts.traceWindows ? 'user' : opts.split,
    traceWindows: windows,
    traceSplit: Object.fromEntries(
      Object.entries(windows).map(([w, ws]) => [
        w,
        { frontend: splitOf(ws.frontend), backend: splitOf(ws.backend) },
      ]),
    ),
    wallSeconds,
    skipped: results
      .filter((r) => !r.ok)
      .map((r) => ({ ...r.spec, reason: (r as { reason: string }).reason.split('\n')[0] })),
  };
  const checks = byWorkload.flatMap(goalChecks);
  const balancing = byWorkload.map(balancingRow).filter((r): r is BalancingRow => r !== undefined);
  writeFileSync(
    join(out, 'quality.json'),
    `${JSON.stringify({ ...meta, workloads: byWorkload, goals: checks, balancing, acrossSeeds }, null, 2)}\n`,
  );
  for (const w of byWorkload) {
    const series = results
      .filter((r): r is Extract<JobResult, { ok: true }> => r.ok && r.spec.workload === w.workload)
      .map((r) => ({ contender: r.spec.contender, points: r.series }));
    writeFileSync(
      join(out, `quality-${w.workload}.json`),
      `${JSON.stringify({ ...meta, ...w, series }, null, 2)}\n`,
    );
    if (opts.charts) {
      writeFileSync(
        join(out, `quality-${w.workload}-rt.svg`),
        await responseTimeChart({ workload: w.workload, series }),
      );
      writeFileSync(
        join(out, `quality-${w.workload}-cores.svg`),
        await coresChart({ workload: w.workload, series }),
      );
    }
  }
  let md = byWorkload.map((w) => `#### ${w.workload}\n\n${markdownTable(w)}\n`).join('\n');
  if (balancing.length > 0) {
    md += `\n#### Resource-aware load balancing (kosmos vs kosmos-equal-lb)\n\n${balancingMarkdown(balancing)}\n`;
  }
  const seedsMd =
    acrossSeeds.length > 0
      ? `#### Across seeds ${[opts.seed, ...repeats].join(', ')}\n\n${seedsMarkdown(acrossSeeds)}`
      : '';
  if (seedsMd) md += `\n${seedsMd}`;
  writeFileSync(join(out, 'quality.md'), md);
  for (const w of byWorkload) console.log(`${terminalTable(w)}\n`);
  if (checks.length > 0) console.log(`Goal check (kosmos)\n${goalTable(checks)}\n`);
  if (balancing.length > 0) {
    console.log(
      `Resource-aware load balancing: weighted (kosmos) vs equal split (kosmos-equal-lb)\n${balancingTable(balancing)}\n`,
    );
  }
  if (seedsMd) console.log(seedsMd);
  if (meta.skipped.length > 0) {
    console.log(
      `Skipped: ${meta.skipped.map((s) => `${s.workload}/${s.contender} (${s.reason})`).join('; ')}`,
    );
    process.exitCode = 1;
  }
  const runs = jobs.length * (1 + repeats.length);
  console.log(`${runs} runs in ${wallSeconds.toFixed(1)} s; results in ${out}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
