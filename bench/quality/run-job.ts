// One benchmark job: a contender on a workload in the discrete engine, reduced to figures and to
// downsampled series for the charts (so a worker thread sends back little).
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import { runDiscrete } from '../../sim/discrete/engine.ts';
import type { Recording } from '../../sim/discrete/recorder.ts';
import { workloadParams } from '../../sim/discrete/sim-service.ts';
import type { Scenario } from '../../sim/scenario/types.ts';
import { runBound } from '../baselines/bound.ts';
import { buildContender, scenarioFor } from './contenders.ts';
import { computeFigures, type Figures, type ServiceBound, SLO_WINDOW_SECONDS } from './figures.ts';
import type { TraceWorkload } from './trace-windows.ts';
import { buildScenario } from './workloads.ts';

export type JobSpec = {
  workload: string;
  /** The workload's real-traffic windows; absent for synthetic workloads. */
  traceWindows?: TraceWorkload;
  contender: string;
  durationSeconds: number;
  seed: number;
  /** Seconds per point of the chart series. */
  chartBucketSeconds: number;
  /** Send the chart series back (only the detailed seed's runs need them). */
  withSeries?: boolean;
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
      bound: ServiceBound[];
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

/** Bounds already computed in this worker: every contender of a workload and seed shares them. */
const bounds = new Map<string, ServiceBound[]>();

/**
 * The per-window lower bound of each service, from the run's own arrivals (the engine draws them
 * from a per-service stream that no controller touches, so every contender sees the same ones).
 */
export function serviceBounds(scenario: Scenario, rec: Recording, key: string): ServiceBound[] {
  const hit = bounds.get(key);
  if (hit) return hit;
  const dt = rec.stepSeconds;
  const out = rec.services.map((series, i) => {
    const s = scenario.services[i]!;
    const arrivals = Float64Array.from(series.offeredRps, (r) => r * dt);
    return {
      service: series.name,
      windows: runBound(
        {
          arrivals,
          stepSeconds: dt,
          params: workloadParams(s),
          sla: s.sla,
        },
        Math.max(1, Math.round(SLO_WINDOW_SECONDS / dt)),
      ),
    };
  });
  bounds.set(key, out);
  return out;
}

export async function runJob(spec: JobSpec): Promise<JobResult> {
  const started = performance.now();
  const base = await buildScenario(spec.workload, spec.durationSeconds, spec.seed, spec.traceWindows);
  const scenario = scenarioFor(spec.contender, base);
  const controller = await buildContender(
    spec.contender,
    scenario,
    spec.durationSeconds,
    spec.kosmosTuning,
    spec.traceWindows,
  );
  if (!controller) return { spec, ok: false, reason: `contender ${spec.contender} is not available` };
  const rec = runDiscrete(scenario, { controller, durationSeconds: spec.durationSeconds, recordPods: false });
  rec.controller = spec.contender;
  const key = JSON.stringify([spec.workload, spec.traceWindows, spec.durationSeconds, spec.seed]);
  const bound = serviceBounds(scenario, rec, key);
  return {
    spec,
    ok: true,
    figures: computeFigures(rec, spec.workload, bound),
    series: spec.withSeries ? downsample(rec, spec.chartBucketSeconds) : [],
    bound,
    wallMs: performance.now() - started,
  };
}
