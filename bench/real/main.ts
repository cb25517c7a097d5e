// `npm run bench:real`: kosmos, HPA (Burstable and Guaranteed) and a static allocation on real
// processes in real cgroups, behind HAProxy, under open-loop load; latency measured at the client.
// Writes real.json and SVG charts (client p95 vs the objective, enacted quota vs CPU used).
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { createLogger } from '../../lib/log.ts';
import { requireHaproxy } from '../../sim/load/haproxy.ts';
import { realCgroupsUnavailable } from '../../sim/node/real/cgroup-tree.ts';
import { lineChartSvg } from '../../sim/report/svg-chart.ts';
import { positiveInt, wholeNumberAtLeast } from '../cli-args.ts';
import {
  DEFAULT_REAL_CONTENDERS,
  type JobResult,
  REAL_CONTENDERS,
  type RealContender,
  runRealJob,
} from './testbed.ts';
import { REAL_WORKLOADS, type RealWorkload, type RealWorkloadName, realWorkload } from './workloads.ts';

const QUICK = {
  workloads: ['step'] as RealWorkloadName[],
  contenders: ['kosmos', 'hpa-burstable', 'static'] as RealContender[],
  // 3 runs of 10 s warm-up + 30 s plus ~20 s of set-up for kosmos (its hub and agents start) and ~3 s
  // for the others: under 3 min at load average 8 on 2 cores
  seconds: 30,
  warmupSeconds: 10,
};
const FULL_SECONDS = 60;
const FULL_WARMUP_SECONDS = 20;

const list =
  <T extends string>(allowed: readonly T[]) =>
  (v: string) => {
    const items = v.split(',').map((s) => s.trim());
    for (const i of items)
      if (!allowed.includes(i as T)) throw new Error(`unknown "${i}"; one of ${allowed.join(', ')}`);
    return items as T[];
  };

const program = new Command('bench:real')
  .description(
    'Runs kosmos, HPA and a static allocation on real processes in real cgroups (2 nodes of 600m, 1.2 cores in all) behind HAProxy, under open-loop Poisson load, and reports what the client saw. Needs root, cgroup v1 and haproxy.',
  )
  .option('--quick', `the step workload, kosmos / HPA Burstable / static, ${QUICK.seconds} s each (≤ 3 min)`)
  .option('--out <dir>', 'where to write real.json and the charts', 'bench/results/real')
  .option('--workloads <list>', `comma-separated, of ${REAL_WORKLOADS.join(', ')}`, list(REAL_WORKLOADS))
  .option(
    '--contenders <list>',
    `comma-separated, of ${REAL_CONTENDERS.join(', ')} (default: all but kosmos-equal-split, kosmos with HAProxy's equal split instead of the hub's weights)`,
    list(REAL_CONTENDERS),
  )
  .option(
    '--seconds <n>',
    `length of each run, at least one 30 s SLO window (default ${FULL_SECONDS}, quick ${QUICK.seconds})`,
    wholeNumberAtLeast(30),
  )
  .option('--hub-flags <flags>', 'further flags for the kosmos hub, space-separated (an A/B of a setting)')
  .option('--agent-flags <flags>', 'further flags for each kosmos agent, space-separated')
  .option(
    '--repeat <n>',
    'runs of each workload × contender, each with its own arrival seed, interleaved (run 1 of every pair, then run 2, ...)',
    positiveInt,
    1,
  )
  .option(
    '--warmup <n>',
    `seconds of load at the workload's first rate before each measured run, not counted (default ${FULL_WARMUP_SECONDS}, quick ${QUICK.warmupSeconds})`,
    wholeNumberAtLeast(0),
  );

interface Options {
  quick?: boolean;
  out: string;
  workloads?: RealWorkloadName[];
  contenders?: RealContender[];
  seconds?: number;
  warmup?: number;
  hubFlags?: string;
  agentFlags?: string;
  repeat: number;
}

/** The Poisson arrivals' seed of a workload's run: run 0 keeps the seeds of single-run files. */
const arrivalSeed = (workloadIndex: number, repeat: number) => 1000 + workloadIndex + 100 * repeat;

const flagsOf = (v: string | undefined) => (v ? v.split(/\s+/).filter(Boolean) : []);

interface Run {
  result: JobResult;
  repeat: number;
  seed: number;
}

function row({ result: r, repeat, seed }: Run) {
  return {
    workload: r.workload,
    contender: r.contender,
    repeat,
    seed,
    requests: r.client.requests,
    clientViolationPct: r.client.violationPct,
    clientP50Ms: r.client.p50Ms,
    clientP99Ms: r.client.p99Ms,
    errorsPct: r.client.errorsPct,
    coreSecondsAllocated: r.coreSecondsAllocated,
    coreSecondsUsed: r.coreSecondsUsed,
    resizes: r.resizes,
    replicaChanges: r.replicaChanges,
    apiWritesPerPodPerMinute: r.apiWritesPerPodPerMinute,
    apiWritesByKind: r.apiWritesByKind,
    podSeconds: r.podSeconds,
    steadyWrites: r.steady,
    apiWritesChanged: r.apiWritesChanged,
    processes: r.processes,
    loadAverageBefore: r.loadAverageBefore,
    loadAverageAfter: r.loadAverageAfter,
  };
}

async function charts(out: string, results: JobResult[]): Promise<string[]> {
  const files: string[] = [];
  for (const workload of [...new Set(results.map((r) => r.workload))]) {
    const rs = results.filter((r) => r.workload === workload);
    const slo = 200;
    const latency = await lineChartSvg({
      title: `${workload}: client p95 per 5 s vs the ${slo} ms objective`,
      xLabel: 'seconds',
      yLabel: 'p95 at the client (ms)',
      yMax: 2000,
      series: [
        ...rs.map((r) => ({ name: r.contender, points: r.p95Per5s.map((p) => ({ x: p.t, y: p.p95Ms })) })),
        {
          name: 'objective',
          dashed: true,
          points: [
            { x: 0, y: slo },
            { x: rs[0]!.durationSeconds, y: slo },
          ],
        },
      ],
    });
    const cores = await lineChartSvg({
      title: `${workload}: enacted CPU quota (solid) vs CPU used (dashed), cores`,
      xLabel: 'seconds',
      yLabel: 'cores',
      step: true,
      series: rs.flatMap((r) => [
        {
          name: `${r.contender} quota`,
          points: r.seconds.map((s) => ({ x: s.t, y: s.allocatedMilli / 1000 })),
        },
        {
          name: `${r.contender} used`,
          dashed: true,
          points: r.seconds.map((s) => ({ x: s.t, y: s.usedMilli / 1000 })),
        },
      ]),
    });
    for (const [name, svg] of [
      [`${workload}-latency.svg`, latency],
      [`${workload}-cores.svg`, cores],
    ] as const) {
      writeFileSync(join(out, name), svg);
      files.push(join(out, name));
    }
  }
  return files;
}

async function main(): Promise<void> {
  const o = program.parse().opts<Options>();
  const why = realCgroupsUnavailable();
  if (why) {
    console.error(`bench:real: ${why}`);
    process.exit(2);
  }
  try {
    requireHaproxy();
  } catch (err) {
    console.error(`bench:real: ${(err as Error).message}`);
    process.exit(2);
  }
  const workloads = o.workloads ?? (o.quick ? QUICK.workloads : [...REAL_WORKLOADS]);
  const contenders = o.contenders ?? (o.quick ? QUICK.contenders : [...DEFAULT_REAL_CONTENDERS]);
  const seconds = o.seconds ?? (o.quick ? QUICK.seconds : FULL_SECONDS);
  const warmupSeconds = o.warmup ?? (o.quick ? QUICK.warmupSeconds : FULL_WARMUP_SECONDS);
  const logDir = join(o.out, 'logs');
  mkdirSync(logDir, { recursive: true });
  const log = createLogger({ name: 'bench-real', destination: createWriteStream(join(logDir, 'bench.log')) });
  const runs: Run[] = [];
  const started = Date.now();
  // each workload's rates once (a trace window is read and compressed), for every run and the report
  const loaded = await Promise.all(workloads.map((name) => realWorkload(name, seconds)));
  for (let repeat = 0; repeat < o.repeat; repeat++)
    for (const [i, name] of workloads.entries()) {
      const w = loaded[i] as RealWorkload;
      for (const contender of contenders) {
        const of = o.repeat > 1 ? ` run ${repeat + 1} of ${o.repeat}` : '';
        process.stdout.write(`${name} × ${contender}${of} (${warmupSeconds} s warm-up + ${seconds} s) ... `);
        const jobStarted = Date.now();
        const seed = arrivalSeed(i, repeat);
        const r = await runRealJob(w, contender, {
          log,
          logDir,
          seed,
          warmupSeconds,
          kosmosFlags: { hub: flagsOf(o.hubFlags), agent: flagsOf(o.agentFlags) },
        });
        const jobSeconds = (Date.now() - jobStarted) / 1000;
        runs.push({ result: r, repeat, seed });
        writeFileSync(
          join(logDir, `writes-${name}-${contender}${o.repeat > 1 ? `-${repeat + 1}` : ''}.jsonl`),
          r.writeLog.map((x) => `${JSON.stringify(x)}\n`).join(''),
        );
        const steady =
          'why' in r.steady
            ? 'no steady phase'
            : `steady ${r.steady.apiWritesPerPodPerMinute.toFixed(2)} (${r.steady.writes} in ${r.steady.podSeconds} pod-s from ${r.steady.fromSeconds} s)`;
        console.log(
          `violation ${r.client.violationPct.toFixed(1)} %, p50 ${r.client.p50Ms.toFixed(0)} ms, p99 ${r.client.p99Ms.toFixed(0)} ms, errors ${r.client.errorsPct.toFixed(1)} %, ${r.coreSecondsAllocated.toFixed(1)} core-s allocated, ${r.coreSecondsUsed.toFixed(1)} used, API writes / pod / min ${r.apiWritesPerPodPerMinute.toFixed(1)}, ${steady}; load ${r.loadAverageBefore[0]}; ${jobSeconds.toFixed(0)} s with set-up and tear-down`,
        );
      }
    }
  const report = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench:real -- ${process.argv.slice(2).join(' ')}`.trim(),
    loadAverageAtEnd: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
    wallSeconds: (Date.now() - started) / 1000,
    /** From this process's start (module loading included) to the report. */
    processWallSeconds: process.uptime(),
    testbed: {
      nodes: '2 × 600m',
      totalCpuMilli: 1200,
      balancer: 'HAProxy runtime API (kosmos: hub weights; others: equal)',
      sloWindowSeconds: 30,
      warmupSeconds,
      repeat: o.repeat,
      ...(o.hubFlags || o.agentFlags ? { hubFlags: o.hubFlags ?? '', agentFlags: o.agentFlags ?? '' } : {}),
    },
    workloads: loaded.map((w, i) => ({ name: workloads[i], source: w.source })),
    results: runs.map(row),
    series: runs.map(({ result: r, repeat }) => ({
      workload: r.workload,
      contender: r.contender,
      repeat,
      seconds: r.seconds,
      p95Per5s: r.p95Per5s,
      windows: r.client.windows,
    })),
  };
  writeFileSync(join(o.out, 'real.json'), `${JSON.stringify(report, null, 1)}\n`);
  // The charts show each pair's first run (the one a single-run file has).
  const files = await charts(
    o.out,
    runs.filter((r) => r.repeat === 0).map((r) => r.result),
  );
  console.log(
    `wrote ${join(o.out, 'real.json')} and ${files.length} charts; wall time ${process.uptime().toFixed(0)} s (runs ${report.wallSeconds.toFixed(0)} s)`,
  );
}

await main();
