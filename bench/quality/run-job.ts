// One benchmark job: a contender on a workload in the discrete engine, reduced to figures and to
// downsampled series for the charts (so a worker thread sends back little).
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import { runDiscrete } from '../../sim/discrete/engine.ts';
import type { Recording } from '../../sim/discrete/recorder.ts';
import { buildContender, type ContenderName, optimumCoreSeconds } from './contenders.ts';
import { computeFigures, type Figures } from './figures.ts';
import type { TraceWorkload } from './trace-windows.ts';
import { buildScenario } from './workloads.ts';

export type JobSpec = {
  workload: string;
  /** The workload's real-traffic windows; absent for synthetic workloads. */
  traceWindows?: TraceWorkload;
  contender: ContenderName;
  durationSeconds: number;
  seed: number;
  /** Seconds per point of the chart series. */
  chartBucketSeconds: number;
  /** Overrides of the kosmos recommender's tuning (kosmos contenders only; default none). */
  kosmosTuning?: Partial<KosmosTuning>;
};

export type SeriesPoint = { t: number; service: string; rtMs: number | null; cores: number; sloMs: number };

export type JobResult =
  | {
      spec: JobSpec;
      ok: true;
      figures: Figures;
      series: SeriesPoint[];
      optimumCoreSeconds: number;
      wallMs: number;
    }
  | { spec: JobSpec; ok: false; reason: string };

/** Per bucket and service: throughput-weighted mean of the SLA statistic, mean allocated cores. */
export function downsample(rec: Recording, bucketSeconds: number): SeriesPoint[] {
  const per = Math.max(1, Math.round(bucketSeconds / rec.stepSeconds));
  const out: SeriesPoint[] = [];
  for (const s of rec.services) {
    const stat = s[`${s.statistic === 'mean' ? 'mean' : s.statistic}RtSeconds` as 'p95RtSeconds'];
    for (let i = 0; i < rec.steps; i += per) {
      let w = 0;
      let rt = 0;
      let cores = 0;
      const end = Math.min(rec.steps, i + per);
      for (let j = i; j < end; j++) {
        const tp = s.throughputRps[j]!;
        const v = stat[j]!;
        if (tp > 0 && !Number.isNaN(v)) {
          w += tp;
          rt += tp * v;
        }
        cores += s.allocatedCores[j]!;
      }
      out.push({
        t: i * rec.stepSeconds,
        service: s.name,
        rtMs: w > 0 ? (rt / w) * 1000 : null,
        cores: cores / (end - i),
        sloMs: s.sloSeconds * 1000,
      });
    }
  }
  return out;
}

export async function runJob(spec: JobSpec): Promise<JobResult> {
  const started = performance.now();
  const scenario = await buildScenario(spec.workload, spec.durationSeconds, spec.seed, spec.traceWindows);
  const controller = await buildContender(spec.contender, scenario, spec.durationSeconds, spec.kosmosTuning);
  if (!controller) return { spec, ok: false, reason: `contender ${spec.contender} is not available` };
  const rec = runDiscrete(scenario, { controller, durationSeconds: spec.durationSeconds, recordPods: false });
  rec.controller = spec.contender;
  const optimum = optimumCoreSeconds(scenario, spec.durationSeconds);
  return {
    spec,
    ok: true,
    figures: computeFigures(rec, spec.workload, optimum),
    series: downsample(rec, spec.chartBucketSeconds),
    optimumCoreSeconds: optimum,
    wallMs: performance.now() - started,
  };
}
