// The real-process benchmark's runs again in the discrete simulator: the same testbed (two 600m
// nodes), service (10 ms of CPU per request, fixed as the sample app burns it; 60 ms of I/O wait for
// io-step), per-second rates, start sizes and contenders (kosmos; HPA at 60 % of requests with 15 s
// sync, Burstable 200m/600m and Guaranteed 300m; static 2 × 300m), judged with the quality
// benchmark's figures (30 s SLO windows) after the same warm-up at the first rate. Prints the
// simulator's figures beside real.json's and writes them to sim.json (the table again, from the
// files: sim-table.ts).
//   node bench/real/sim-compare.ts [--real bench/results/real/real.json] [--out sim.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import type { Controller } from '../../sim/discrete/controller.ts';
import { runDiscrete } from '../../sim/discrete/engine.ts';
import { KosmosController } from '../../sim/discrete/kosmos-controller.ts';
import type { Recording } from '../../sim/discrete/recorder.ts';
import { parseScenarioYaml, resolveScenario } from '../../sim/scenario/scenario-file.ts';
import type { Scenario } from '../../sim/scenario/types.ts';
import { HpaContender } from '../quality/controllers/hpa-controller.ts';
import { computeFigures } from '../quality/figures.ts';
import { type ComparisonRow, comparisonTable, type RealResult, realSide } from './sim-table.ts';
import { DEFAULT_REAL_CONTENDERS } from './testbed.ts';

/** The simulator has no balancer variant: kosmos-equal-split is the testbed's alone. */
type SimulatedContender = (typeof DEFAULT_REAL_CONTENDERS)[number];

import { REAL_WORKLOADS, realWorkload } from './workloads.ts';

const STEP_YAML = new URL('./scenarios/step.yaml', import.meta.url).pathname;

type RealRow = RealResult & {
  /** Requests the client sent in the measured run (older real.json files lack it). */
  requests?: number;
};

/**
 * CPU one request really cost on the testbed, ms: Σ CPU used / Σ requests over the workload's runs.
 * The sample app burns its nominal 10 ms; HTTP parsing, the histogram and the Node runtime add to it.
 */
function measuredCostMs(rows: readonly RealRow[]): number | undefined {
  const requests = rows.reduce((a, r) => a + (r.requests ?? 0), 0);
  return requests > 0 ? (1000 * rows.reduce((a, r) => a + r.coreSecondsUsed, 0)) / requests : undefined;
}

function contenderSetup(
  contender: SimulatedContender,
  base: Scenario,
): { scenario: Scenario; controller: Controller } {
  const svc = base.services[0]!;
  const with_ = (s: Partial<typeof svc>): Scenario => ({ ...base, services: [{ ...svc, ...s }] });
  const hpa = () => new HpaContender({ kind: 'cpu', targetUtilizationPercent: 60 }, contender);
  switch (contender) {
    case 'kosmos':
      return {
        scenario: with_({ resources: { ...svc.resources, cpuMilli: 200 } }),
        controller: new KosmosController(),
      };
    case 'hpa-burstable':
      return {
        scenario: with_({ resources: { ...svc.resources, cpuMilli: 200 }, cpuLimitMilli: 600 }),
        controller: hpa(),
      };
    case 'hpa-guaranteed':
      return { scenario: with_({ resources: { ...svc.resources, cpuMilli: 300 } }), controller: hpa() };
    case 'static':
      return {
        scenario: with_({ replicas: 2, resources: { ...svc.resources, cpuMilli: 300 } }),
        controller: { name: 'static', periodSeconds: 60, decide: () => ({}) },
      };
  }
}

/** The recording from `fromSeconds` on, as if the run had started there (the warm-up left out). */
function fromSecond(rec: Recording, fromSeconds: number): Recording {
  const from = Math.round(fromSeconds / rec.stepSeconds);
  return {
    ...rec,
    steps: rec.steps - from,
    services: rec.services.map((s) => {
      const out = { ...s };
      for (const [k, v] of Object.entries(s))
        if (ArrayBuffer.isView(v)) (out as Record<string, unknown>)[k] = (v as Float64Array).subarray(from);
      return out;
    }),
    events: rec.events
      .filter((e) => e.tSeconds >= fromSeconds)
      .map((e) => ({ ...e, tSeconds: e.tSeconds - fromSeconds })),
  };
}

async function main(): Promise<void> {
  const o = new Command('sim-compare')
    .description("bench:real's workloads and contenders in the discrete simulator, beside real.json")
    .option('--real <file>', 'real.json to compare with', 'bench/results/real/real.json')
    .option('--out <file>', 'where to write the simulator figures (default: sim.json beside real.json)')
    .option('--seconds <n>', 'run length (default: that of real.json)', (v) => Number(v))
    .parse()
    .opts<{ real: string; out?: string; seconds?: number }>();
  const real = JSON.parse(readFileSync(o.real, 'utf8')) as {
    testbed: { warmupSeconds?: number };
    results: RealRow[];
    series: { seconds: unknown[] }[];
  };
  const seconds = o.seconds ?? real.series[0]?.seconds.length ?? 60;
  const warmup = real.testbed.warmupSeconds ?? 0;
  const base = await resolveScenario(parseScenarioYaml(readFileSync(STEP_YAML, 'utf8'), STEP_YAML));
  const rows: ComparisonRow[] = [];
  const workloads = REAL_WORKLOADS.filter((w) => real.results.some((r) => r.workload === w));
  for (const name of workloads) {
    const w = await realWorkload(name, seconds);
    const costMs = measuredCostMs(real.results.filter((r) => r.workload === name));
    const rates = [...Array<number>(warmup).fill(w.ratePerSecond[0] ?? 0), ...w.ratePerSecond];
    const svc = base.services[0]!;
    const scenario: Scenario = {
      ...base,
      name: `real-${name}`,
      durationSeconds: warmup + seconds,
      services: [
        {
          ...svc,
          workload: {
            ...svc.workload,
            cpuSecondsPerRequest: w.cpuPerRequestMs / 1000,
            distribution: { kind: 'deterministic' },
            ...(w.ioWaitMs > 0 ? { fixedLatencySeconds: w.ioWaitMs / 1000 } : {}),
          },
          trace: {
            label: w.source,
            durationSeconds: warmup + seconds,
            rateAt: (t) => rates[Math.floor(t)] ?? 0,
            peakRps: Math.max(...rates),
          },
        },
      ],
    };
    // calibrated: the same run with the CPU per request the testbed measured instead of the nominal
    const calibrated: Scenario | undefined =
      costMs === undefined
        ? undefined
        : {
            ...scenario,
            services: scenario.services.map((x) => ({
              ...x,
              workload: { ...x.workload, cpuSecondsPerRequest: costMs / 1000 },
            })),
          };
    const simulate = (sc: Scenario, contender: SimulatedContender) => {
      const setup = contenderSetup(contender, sc);
      const rec = runDiscrete(setup.scenario, {
        controller: setup.controller,
        durationSeconds: warmup + seconds,
      });
      const f = computeFigures(fromSecond(rec, warmup), name);
      return {
        violationPct: f.sloViolationPct,
        p50Ms: f.p50Ms,
        p99Ms: f.p99Ms,
        coreSecondsAllocated: f.coreSeconds,
        coreSecondsUsed: (f.coreSeconds * f.cpuUtilizationPct) / 100,
        resizes: f.resizes,
        replicaChanges: f.replicaChanges,
        droppedPct: f.droppedPct,
      };
    };
    for (const contender of DEFAULT_REAL_CONTENDERS) {
      const r = real.results.find((x) => x.workload === name && x.contender === contender);
      if (!r) continue;
      rows.push({
        workload: name,
        contender,
        sim: simulate(scenario, contender),
        ...(calibrated
          ? { simCalibrated: { cpuPerRequestMs: costMs, ...simulate(calibrated, contender) } }
          : {}),
        real: { requests: r.requests, ...realSide(r) },
      });
    }
  }
  console.log(comparisonTable(rows));
  const out = o.out ?? join(dirname(o.real), 'sim.json');
  writeFileSync(out, `${JSON.stringify({ seconds, warmupSeconds: warmup, rows }, null, 1)}\n`);
  console.log(`wrote ${out}`);
}

await main();
