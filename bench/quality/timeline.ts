// Where a kosmos run's cores go: one quality-benchmark run of the default kosmos contender, printed
// per SLO window and service beside the bound — load (rate × cost), queueing headroom, feed-forward
// and desired (Σ over pods, mean over the window's passes), the learned correction and non-CPU
// floor, replicas, the SLA statistic, violated steps and the rules that set the CPU.
// node bench/quality/timeline.ts --workload nasa-weekend [--split test] [--seed 1] [--every 4]
import { Command } from 'commander';
import type { ServicePlan } from '../../hub/src/control/types.ts';
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import { runDiscrete } from '../../sim/discrete/engine.ts';
import { KosmosController } from '../../sim/discrete/kosmos-controller.ts';
import { workloadParams } from '../../sim/discrete/sim-service.ts';
import { SLO_WINDOW_SECONDS } from './figures.ts';
import { serviceBounds } from './run-job.ts';
import { TEST_WINDOWS, TRAINING_WINDOWS } from './split.ts';
import {
  buildScenario,
  FULL_DURATION_SECONDS,
  isModelWorkload,
  MODEL_WORKLOAD_TRAFFIC,
} from './workloads.ts';

type Acc = {
  n: number;
  load: number;
  headroom: number;
  ff: number;
  desired: number;
  correction: number;
  corrN: number;
  floor: number;
  costEst: number;
  rules: Map<string, number>;
};

const program = new Command('bench:timeline')
  .description('one kosmos run of the quality benchmark, per 30 s window beside the bound')
  .requiredOption('--workload <name>', 'workload (as bench:quality)')
  .option('--split <name>', 'test or training', 'training')
  .option('--seed <n>', 'arrival seed', (v) => Number(v), 42)
  .option('--duration <s>', 'simulated seconds', (v) => Number(v), FULL_DURATION_SECONDS / 4)
  .option('--every <n>', 'print every n-th window', (v) => Number(v), 1)
  .option(
    '--kosmos-tuning <json>',
    'recommender tuning overrides',
    (v) => JSON.parse(v) as Partial<KosmosTuning>,
  );

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<{
    workload: string;
    split: string;
    seed: number;
    duration: number;
    every: number;
    kosmosTuning?: Partial<KosmosTuning>;
  }>();
  const windows = o.split === 'test' ? TEST_WINDOWS : TRAINING_WINDOWS;
  const traffic = isModelWorkload(o.workload) ? windows[MODEL_WORKLOAD_TRAFFIC] : windows[o.workload];
  const scenario = await buildScenario(o.workload, o.duration, o.seed, traffic);
  const acc = new Map<string, Acc>();
  const key = (service: string, t: number) => `${service}@${Math.floor(t / SLO_WINDOW_SECONDS)}`;
  const onPlan = (now: number, service: string, plan: ServicePlan) => {
    const k = key(service, now - 1);
    let a = acc.get(k);
    if (!a) {
      a = {
        n: 0,
        load: 0,
        headroom: 0,
        ff: 0,
        desired: 0,
        correction: 0,
        corrN: 0,
        floor: 0,
        costEst: 0,
        rules: new Map(),
      };
      acc.set(k, a);
    }
    a.n++;
    for (const p of plan.pods) {
      a.desired += p.desired.cpuMilli;
      const t = p.terms;
      if (!t) continue;
      a.load += t.loadCpuMilli ?? 0;
      a.headroom += t.headroomCpuMilli ?? 0;
      a.ff += t.feedForwardCpuMilli ?? 0;
      a.correction += t.modelCorrection ?? 1;
      a.floor += t.latencyFloorSeconds ?? 0;
      a.costEst += t.cpuCostMilliSecondsPerRequest ?? 0;
      a.corrN++;
      a.rules.set(t.cpuRule, (a.rules.get(t.cpuRule) ?? 0) + 1);
    }
  };
  const controller = new KosmosController({ tuning: o.kosmosTuning ?? {}, onPlan });
  const rec = runDiscrete(scenario, { controller, durationSeconds: o.duration, recordPods: false });
  const bound = serviceBounds(scenario, rec, 'timeline');
  const w = SLO_WINDOW_SECONDS / rec.stepSeconds;
  for (const [si, s] of rec.services.entries()) {
    const params = workloadParams(scenario.services[si]!);
    const b = bound[si]!.windows;
    let kc = 0;
    let bc = 0;
    let viol = 0;
    console.log(
      `\n${s.name} (cost ${(params.cpuSecondsPerRequest * 1000).toFixed(0)} ms, slo ${s.sloSeconds * 1000} ms)`,
    );
    console.log(
      't      rps  bound(n×m)     cores  ×b   repl  Σload Σhead  Σff  Σdes   corr floor cost  p95ms vio  rules',
    );
    for (let i = 0; i < b.length; i++) {
      let cores = 0;
      let rps = 0;
      let repl = 0;
      let p95 = 0;
      let tp = 0;
      let violatedSteps = 0;
      for (let j = i * w; j < (i + 1) * w && j < rec.steps; j++) {
        cores += s.allocatedCores[j]! / w;
        rps += s.offeredRps[j]! / w;
        repl = Math.max(repl, s.replicasExisting[j]!);
        violatedSteps += s.sloViolated[j]!;
        const v = s.p95RtSeconds[j]!;
        if (!Number.isNaN(v)) {
          p95 += v * s.throughputRps[j]!;
          tp += s.throughputRps[j]!;
        }
      }
      const bw = b[i]!;
      kc += cores;
      bc += bw.cores;
      if (violatedSteps > 0) viol++;
      const a = acc.get(`${s.name}@${i}`);
      const per = (x: number) => (a ? (x / a.n).toFixed(0) : '-').padStart(5);
      const rules = a ? [...a.rules].map(([r, c]) => `${r}:${c}`).join(' ') : '';
      const perPod = (x: number, digits: number, width: number) =>
        (a?.corrN ? (x / a.corrN).toFixed(digits) : '-').padStart(width);
      if (i % o.every === 0)
        console.log(
          `${String(i * SLO_WINDOW_SECONDS).padStart(5)} ${rps.toFixed(1).padStart(5)}  ${`${bw.replicas}×${bw.cpuMilliPerPod.toFixed(0)}`.padStart(9)}` +
            ` ${cores.toFixed(2).padStart(6)} ${(cores / bw.cores).toFixed(2).padStart(5)} ${String(repl).padStart(4)}` +
            ` ${per(a?.load ?? 0)} ${per(a?.headroom ?? 0)} ${per(a?.ff ?? 0)} ${per(a?.desired ?? 0)}` +
            `  ${perPod(a?.correction ?? 0, 2, 4)} ${perPod((a?.floor ?? 0) * 1000, 0, 5)} ${perPod(a?.costEst ?? 0, 1, 5)}` +
            `  ${(tp > 0 ? (p95 / tp) * 1000 : 0).toFixed(0).padStart(5)} ${String(violatedSteps).padStart(3)}  ${rules}`,
        );
    }
    console.log(
      `${s.name}: cores ${kc.toFixed(0)} / bound ${bc.toFixed(0)} = ${(kc / bc).toFixed(2)}×; ${viol} windows with violated steps`,
    );
  }
}

await main();
