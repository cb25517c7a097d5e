// npm run bench — the speed benchmarks (agent tick at 110 pods, hub period at 5,000 nodes,
// agent server over gRPC, end-to-end resize latency and API writes): a table each, and
// bench/results/speed.json. --with-quality also runs the quality benchmark (--quick).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, platform, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { type ImageCommand, imageCommand } from '../build-entries.ts';
import { positiveInt } from './cli-args.ts';
import { AGENT_TICK_DEFAULTS, AGENT_TICK_QUICK, runAgentTick } from './speed/agent-tick.ts';
import { type Calibration, calibrate } from './speed/calibrate.ts';
import { GRPC_REPORTS_DEFAULTS, GRPC_REPORTS_QUICK } from './speed/grpc-reports.ts';
import { headlineOf } from './speed/headline.ts';
import { HUB_PLAN_DEFAULTS, HUB_PLAN_QUICK } from './speed/hub-plan.ts';
import { inHubProcess } from './speed/hub-process.ts';
import { HUB_SHARDS_DEFAULTS, runHubShards } from './speed/hub-shards.ts';
import { type BenchResult, renderResult, type SpeedDocument } from './speed/report.ts';
import { RESIZE_LATENCY_DEFAULTS, RESIZE_LATENCY_QUICK, runResizeLatency } from './speed/resize-latency.ts';

const ROOT = resolve(new URL('..', import.meta.url).pathname);

const BENCHMARKS = {
  'agent-tick': (quick: boolean) => runAgentTick(quick ? AGENT_TICK_QUICK : AGENT_TICK_DEFAULTS),
  'hub-plan': (quick: boolean) =>
    inHubProcess({ bench: 'hub-plan', options: quick ? HUB_PLAN_QUICK : HUB_PLAN_DEFAULTS }),
  'grpc-reports': (quick: boolean) =>
    inHubProcess({
      bench: 'grpc-reports',
      options: {
        ...(quick ? GRPC_REPORTS_QUICK : GRPC_REPORTS_DEFAULTS),
        ...(grpcAgents === undefined
          ? {}
          : { agents: grpcAgents, podsPerNode: Math.ceil(150_000 / grpcAgents) }),
      },
    }),
  'hub-shards': (quick: boolean) => runHubShards({ ...HUB_SHARDS_DEFAULTS, quick }),
  'resize-latency': (quick: boolean, agent?: ImageCommand) =>
    runResizeLatency({
      ...(quick ? RESIZE_LATENCY_QUICK : RESIZE_LATENCY_DEFAULTS),
      ...(agent ? { agentEntry: agent.nodeArgs, agentEnv: agent.env } : {}),
    }),
} as const;
type BenchName = keyof typeof BENCHMARKS;
const NAMES = Object.keys(BENCHMARKS) as BenchName[];
/** Run only when named with --only (the shard simulation repeats hub-plan and grpc-reports per shard count). */
const OPT_IN: readonly BenchName[] = ['hub-shards'];

/** --grpc-agents: streams in grpc-reports (pods per node then spread a 150,000-pod fleet). */
let grpcAgents: number | undefined;

function names(value: string): BenchName[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of list) {
    if (!NAMES.includes(n as BenchName))
      throw new InvalidArgumentError(`unknown benchmark "${n}" (one of: ${NAMES.join(', ')})`);
  }
  return list as BenchName[];
}

const program = new Command('bench')
  .description(
    'Speed benchmarks: agent per-tick CPU and memory at 110 pods, hub period at 5,000 nodes / 150,000 pods, agent server reports/s over gRPC, load step → resize requested → enacted and API writes per pod per minute on the embedded cluster.',
  )
  .option(
    '--only <names>',
    `comma-separated subset of: ${NAMES.join(', ')} (${OPT_IN.join(', ')} only when named)`,
    names,
  )
  .option('--quick', 'fewer ticks, periods and seconds per benchmark (about half the time)')
  .option('--with-quality', 'then run the quality benchmark (bench/quality/main.ts --quick)')
  .option(
    '--grpc-agents <n>',
    'grpc-reports with n agent streams carrying 150,000 pods between them (default: 5,000 × 30 pods)',
    positiveInt,
  )
  .option(
    '--agent-source',
    'resize-latency runs agent/src/main.ts through type stripping with no V8 limits, instead of the agent as the image runs it (this tree bundled by build.ts, under dist/agent.node-options)',
  )
  .option('--out <file>', 'where to write the JSON results', join(ROOT, 'bench/results/speed.json'))
  .addHelpText(
    'after',
    `\nBenchmarks: ${NAMES.join(', ')}. Timings depend on the machine and its load: compare runs by the\nreference loop time recorded in the JSON (calibration) and read numbers as ratios within one run.`,
  );

interface Options {
  only?: BenchName[];
  quick?: boolean;
  withQuality?: boolean;
  agentSource?: boolean;
  grpcAgents?: number;
  out: string;
}

/**
 * The agent as the image runs it (docker-entrypoint.sh): this tree bundled by build.ts into `dir`,
 * started under the V8 limits and with the environment the build wrote beside it, plus the
 * Dockerfile's ENV, and nothing else of this process's environment but PATH and HOME.
 */
function bundledAgent(dir: string): ImageCommand {
  execFileSync(process.execPath, [join(ROOT, 'build.ts'), `--out=${dir}`], { stdio: 'ignore' });
  return imageCommand(dir, 'agent');
}

function failed(name: string, err: unknown, startedMs: number): BenchResult {
  return {
    name,
    title: 'FAILED',
    params: {},
    metrics: [],
    notes: [(err as Error).stack ?? String(err)],
    wallSeconds: (performance.now() - startedMs) / 1000,
  };
}

function runQuality(): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench/quality/main.ts'), '--quick'], {
      stdio: 'inherit',
    });
    child.once('exit', (code) => resolvePromise(code ?? 1));
  });
}

async function main(): Promise<void> {
  const opts = program.parse().opts<Options>();
  const quick = opts.quick === true;
  grpcAgents = opts.grpcAgents;
  const selected = opts.only ?? NAMES.filter((n) => !OPT_IN.includes(n));
  const bundleDir = opts.agentSource ? undefined : mkdtempSync(join(tmpdir(), 'kosmos-bench-dist-'));
  const agent = bundleDir && selected.includes('resize-latency') ? bundledAgent(bundleDir) : undefined;
  const before: Calibration = calibrate();
  const startedAt = new Date().toISOString();
  const results: BenchResult[] = [];
  console.log(
    `kosmos speed benchmarks${quick ? ' (quick)' : ''}: ${selected.join(', ')} on ${availableParallelism()} CPUs, load ${before.loadAverage1m.toFixed(2)}`,
  );
  for (const name of selected) {
    const t0 = performance.now();
    console.log(`\n▶ ${name} ...`);
    // each benchmark's own reference loop: the machine's load moves during a run
    const { referenceLoopMs } = calibrate();
    let result: BenchResult;
    try {
      result = await BENCHMARKS[name](quick, agent);
    } catch (err) {
      result = failed(name, err, t0);
    }
    result.referenceLoopMs = referenceLoopMs;
    results.push(result);
    console.log(renderResult(result, process.stdout.columns || 110));
  }
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
  const after = calibrate();
  const doc: SpeedDocument & { calibration: { before: Calibration; after: Calibration } } = {
    benchmark: 'speed',
    startedAt,
    command: `npm run bench --${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    host: {
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemoryBytes: totalmem(),
      platform: platform(),
    },
    quick,
    headline: headlineOf(results),
    results,
    calibration: { before, after },
  };
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(
    `\nreference loop ${before.referenceLoopMs.toFixed(0)} ms before, ${after.referenceLoopMs.toFixed(0)} ms after (load ${after.loadAverage1m.toFixed(2)})`,
  );
  console.log(`results: ${opts.out}`);
  let code = results.some((r) => r.title === 'FAILED') ? 1 : 0;
  if (opts.withQuality) {
    console.log('\n▶ quality (bench/quality/main.ts --quick) ...');
    code = Math.max(code, await runQuality());
  }
  process.exitCode = code;
}

await main();
