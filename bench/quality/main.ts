// npm run bench:quality — every contender on every workload in the discrete engine, side by side:
// prints a table per workload, writes bench/results/quality*.json and SVG charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import { positiveInt } from '../cli-args.ts';
import { type BalancingRow, balancingMarkdown, balancingRow, balancingTable } from './balancing.ts';
import { coresChart, frontsChart, responseTimeChart } from './charts.ts';
import { CONTENDERS, contenderSpec, OPT_IN_CONTENDERS, resolveContenders } from './contenders.ts';
import {
  familyFronts,
  headline,
  meanPoints,
  type SeedRun,
  type WorkloadGoal,
  workloadGoal,
} from './fronts.ts';
import { runPool } from './pool.ts';
import {
  frontsMarkdown,
  goalsMarkdown,
  goalsTable,
  headlineMarkdown,
  markdownTable,
  terminalTable,
  type WorkloadResult,
} from './report.ts';
import type { JobResult, JobSpec } from './run-job.ts';
import { seedRows, seedsMarkdown } from './seeds.ts';
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
  isModelWorkload,
  MODEL_WORKLOAD_TRAFFIC,
  MODEL_WORKLOADS,
  QUICK_FRACTION,
  SYNTHETIC_WORKLOADS,
} from './workloads.ts';

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
    `comma-separated contenders or families (default: all; kosmos-equal-lb on uneven-nodes only): ${CONTENDERS.join(', ')}; only when named: ${OPT_IN_CONTENDERS.join(', ')}`,
    (v: string) => {
      try {
        return resolveContenders(
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    },
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
  contender?: string[];
  duration?: number;
  seed: number;
  repeatSeeds: number[];
  threads: number;
  out: string;
  charts: boolean;
  kosmosTuning?: Partial<KosmosTuning>;
};

/** What the model-breaking workloads run: kosmos's sweep against the Guaranteed and response-time HPAs'. */
const MODEL_CONTENDER_FAMILIES = ['kosmos', 'hpa-cpu', 'hpa-rt'];

/** The trace windows to run (a user's file replaces the built-in ones) and the workloads chosen. */
async function selectWorkloads(opts: Options): Promise<{ windows: TraceWindows; workloads: string[] }> {
  const windows = opts.traceWindows
    ? readTraceWindowsFile(opts.traceWindows)
    : opts.split === 'training'
      ? TRAINING_WINDOWS
      : TEST_WINDOWS;
  const available = [...Object.keys(windows), ...SYNTHETIC_WORKLOADS, ...Object.keys(MODEL_WORKLOADS)];
  // A user's own traffic runs alone unless synthetic workloads are asked for by name.
  const workloads = opts.workload ?? (opts.traceWindows ? Object.keys(windows) : available);
  for (const w of workloads) {
    if (!available.includes(w))
      throw new InvalidArgumentError(`unknown workload "${w}" (one of: ${available.join(', ')})`);
  }
  // Model-breaking workloads replay the built-in nasa-weekday windows of the split.
  const builtIn = opts.split === 'training' ? TRAINING_WINDOWS : TEST_WINDOWS;
  const used: TraceWindows = {};
  for (const w of workloads) {
    const ws = isModelWorkload(w) ? builtIn[MODEL_WORKLOAD_TRAFFIC] : windows[w];
    if (ws) used[w] = ws;
  }
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
  const durationOf = (workload: string): number => {
    const full = fullDurationSeconds(windows[workload]);
    return opts.duration ?? (opts.quick ? Math.round(full * QUICK_FRACTION) : full);
  };
  // The equal-split variant only matters where pods differ in size (its table compares it on uneven-nodes).
  // Model-breaking workloads run kosmos's and HPA's sweeps only (their fronts are the comparison).
  const contendersOf = (workload: string): string[] =>
    opts.contender ??
    (isModelWorkload(workload)
      ? resolveContenders(MODEL_CONTENDER_FAMILIES)
      : CONTENDERS.filter((c) => c !== 'kosmos-equal-lb' || workload === 'uneven-nodes'));
  const repeats = [...new Set(opts.repeatSeeds)].filter((seed) => seed !== opts.seed);
  const seeds = [opts.seed, ...repeats];
  const jobs: JobSpec[] = seeds.flatMap((seed) =>
    workloads.flatMap((workload) =>
      contendersOf(workload).map((contender) => ({
        workload,
        ...(windows[workload] ? { traceWindows: windows[workload] } : {}),
        contender,
        durationSeconds: durationOf(workload),
        seed,
        chartBucketSeconds: Math.max(5, Math.round(durationOf(workload) / 240)),
        withSeries: seed === opts.seed && opts.charts,
        ...(opts.kosmosTuning ? { kosmosTuning: opts.kosmosTuning } : {}),
      })),
    ),
  );
  const started = performance.now();
  process.stderr.write(
    `bench:quality: ${jobs.length} runs (${workloads.length} workloads, seeds ${seeds.join(', ')}) on ${opts.threads} threads\n`,
  );
  let lastReport = 0;
  const results = await runPool(jobs, opts.threads, (r, done) => {
    if (!r.ok)
      process.stderr.write(
        `  ${r.spec.workload}/${r.spec.contender} seed ${r.spec.seed} skipped: ${r.reason.split('\n')[0]}\n`,
      );
    const now = performance.now();
    if (done === jobs.length || now - lastReport > 10_000) {
      lastReport = now;
      process.stderr.write(`  [${done}/${jobs.length}] ${((now - started) / 1000).toFixed(0)} s\n`);
    }
  });
  const ok = results.filter((r): r is Extract<JobResult, { ok: true }> => r.ok);
  const order = (c: string) => CONTENDERS.indexOf(c);
  const byWorkload: WorkloadResult[] = [];
  for (const workload of workloads) {
    const mine = ok
      .filter((r) => r.spec.workload === workload && r.spec.seed === opts.seed)
      .sort((a, b) => order(a.spec.contender) - order(b.spec.contender));
    if (mine.length === 0) continue;
    byWorkload.push({
      workload,
      boundCoreSeconds: mine[0]!.figures.boundCoreSeconds,
      figures: mine.map((r) => r.figures),
    });
  }
  const seedRuns: SeedRun[] = ok.map((r) => ({
    workload: r.spec.workload,
    seed: r.spec.seed,
    figures: r.figures,
  }));
  const acrossSeeds = repeats.length > 0 ? seedRows(seedRuns, CONTENDERS) : [];
  const splitOfWorkload = (w: string): string => {
    const ws = windows[w];
    if (!ws) return 'synthetic';
    if (isModelWorkload(w)) return `${splitOf(ws.frontend)} (${MODEL_WORKLOAD_TRAFFIC})`;
    const a = splitOf(ws.frontend);
    const b = splitOf(ws.backend);
    return a === b ? a : 'mixed';
  };
  const fronts = workloads.map((w) => {
    const points = meanPoints(seedRuns.filter((r) => r.workload === w));
    return { workload: w, families: familyFronts(points), headline: headline(points) };
  });
  const goals = workloads
    .map((w) => workloadGoal(w, splitOfWorkload(w), seedRuns))
    .filter((g): g is WorkloadGoal => g !== undefined);
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
    traceSplit: Object.fromEntries(workloads.map((w) => [w, splitOfWorkload(w)])),
    wallSeconds,
    skipped: results
      .filter((r) => !r.ok)
      .map((r) => ({
        workload: r.spec.workload,
        contender: r.spec.contender,
        seed: r.spec.seed,
        reason: (r as { reason: string }).reason.split('\n')[0],
      })),
  };
  const balancing = byWorkload.map(balancingRow).filter((r): r is BalancingRow => r !== undefined);
  const bounds = ok
    .filter((r) => r.spec.seed === opts.seed && r.spec.contender === (contendersOf(r.spec.workload)[0] ?? ''))
    .map((r) => ({ workload: r.spec.workload, services: r.bound }));
  writeFileSync(
    join(out, 'quality.json'),
    `${JSON.stringify({ ...meta, workloads: byWorkload, goals, fronts, balancing, acrossSeeds, runs: seedRuns.map((r) => ({ workload: r.workload, seed: r.seed, contender: r.figures.contender, sloViolationPct: r.figures.sloViolationPct, coreSeconds: r.figures.coreSeconds, vsBound: r.figures.vsBound, belowBoundWindows: r.figures.belowBoundWindows, resizes: r.figures.resizes, restarts: r.figures.restarts })) }, null, 2)}\n`,
  );
  for (const w of byWorkload) {
    const series = ok
      .filter((r) => r.spec.workload === w.workload && r.spec.seed === opts.seed && r.series.length > 0)
      .map((r) => ({ contender: r.spec.contender, points: r.series }));
    const bound = bounds.find((b) => b.workload === w.workload)?.services ?? [];
    writeFileSync(
      join(out, `quality-${w.workload}.json`),
      `${JSON.stringify({ ...meta, ...w, bound, series }, null, 2)}\n`,
    );
    if (opts.charts) {
      // Charts of the time series show the defaults of each family (a sweep would crowd them).
      const shown = series.filter((s) => CONTENDERS.includes(s.contender) && isDefaultName(s.contender));
      writeFileSync(
        join(out, `quality-${w.workload}-rt.svg`),
        await responseTimeChart({ workload: w.workload, series: shown }),
      );
      writeFileSync(
        join(out, `quality-${w.workload}-cores.svg`),
        await coresChart({ workload: w.workload, series: shown }),
      );
      const f = fronts.find((x) => x.workload === w.workload);
      if (f)
        writeFileSync(
          join(out, `quality-${w.workload}-fronts.svg`),
          await frontsChart(w.workload, f.families),
        );
    }
  }
  let md = byWorkload
    .map((w) => `#### ${w.workload} (seed ${opts.seed})\n\n${markdownTable(w)}\n`)
    .join('\n');
  md += `\n#### Pareto fronts (mean over seeds ${seeds.join(', ')})\n\n`;
  for (const f of fronts) {
    md += `##### ${f.workload}\n\n${frontsMarkdown(f.families)}\n\nkosmos against the HPA variants' front:\n\n${headlineMarkdown(f.headline)}\n\n`;
  }
  if (goals.length > 0) md += `#### Goals (every seed)\n\n${goalsMarkdown(goals)}\n`;
  if (balancing.length > 0) {
    md += `\n#### Resource-aware load balancing (kosmos vs kosmos-equal-lb)\n\n${balancingMarkdown(balancing)}\n`;
  }
  const seedsMd =
    acrossSeeds.length > 0 ? `#### Across seeds ${seeds.join(', ')}\n\n${seedsMarkdown(acrossSeeds)}` : '';
  if (seedsMd) md += `\n${seedsMd}`;
  writeFileSync(join(out, 'quality.md'), md);
  for (const w of byWorkload) console.log(`${terminalTable(w)}\n`);
  for (const f of fronts)
    console.log(`${f.workload}: kosmos against the HPA variants' front\n${headlineMarkdown(f.headline)}\n`);
  if (goals.length > 0) console.log(`Goals (kosmos; every seed)\n${goalsTable(goals)}\n`);
  if (balancing.length > 0) {
    console.log(
      `Resource-aware load balancing: weighted (kosmos) vs equal split (kosmos-equal-lb)\n${balancingTable(balancing)}\n`,
    );
  }
  if (meta.skipped.length > 0) {
    console.log(
      `Skipped: ${meta.skipped.map((s) => `${s.workload}/${s.contender}/${s.seed} (${s.reason})`).join('; ')}`,
    );
    process.exitCode = 1;
  }
  console.log(`${jobs.length} runs in ${wallSeconds.toFixed(1)} s; results in ${out}`);
}

function isDefaultName(name: string): boolean {
  return contenderSpec(name).isDefault;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
