// Runtime state of one simulated service (its pods, replica target, template, seeded arrivals)
// and the model helpers derived from its workload spec.
import type { Statistic } from '../../lib/api/types.ts';
import type { WorkloadParams } from '../model/pod-queue.ts';
import { Prng, seedFor } from '../model/prng.ts';
import { RtMixture, type UnitShape, unitShape } from '../model/rt-distribution.ts';
import type { ServiceScenario } from '../scenario/types.ts';
import type { SimPod } from './cluster.ts';
import type { PodResources } from './controller.ts';

export interface SimService {
  index: number;
  spec: ServiceScenario;
  params: WorkloadParams;
  rng: Prng;
  pods: SimPod[];
  target: number;
  template: PodResources;
  nextPodIndex: number;
  /** Requests lost outside a pod step (restarts, recreates), added to the next recorded step. */
  lostSinceStep: number;
  window: { arrivals: number; completions: number; dropped: number; rt: RtMixture };
  /** Scratch for one step: per-pod arrivals and the step's response-time mixture. */
  split: Float64Array;
  stepRt: RtMixture;
}

export function workloadParams(spec: ServiceScenario): WorkloadParams {
  const w = spec.workload;
  return {
    cpuSecondsPerRequest: w.cpuSecondsPerRequest,
    shape: unitShape(w.distribution),
    baseMemoryBytes: w.baseMemoryBytes,
    memoryPerRequestBytes: w.memoryPerRequestBytes,
    timeoutSeconds: w.timeoutSeconds,
    ...(w.fixedLatencySeconds ? { fixedLatencySeconds: w.fixedLatencySeconds } : {}),
    ...(w.threads ? { threads: w.threads } : {}),
    ...(w.costDrift ? { costDrift: w.costDrift } : {}),
    ...(w.warmupSeconds ? { warmupSeconds: w.warmupSeconds } : {}),
  };
}

export function newSimService(index: number, spec: ServiceScenario, seed: number): SimService {
  const params = workloadParams(spec);
  return {
    index,
    spec,
    params,
    rng: new Prng(seedFor(seed, spec.name)),
    pods: [],
    target: spec.replicas,
    template: { ...spec.resources },
    nextPodIndex: 0,
    lostSinceStep: 0,
    window: { arrivals: 0, completions: 0, dropped: 0, rt: new RtMixture(params.shape) },
    split: new Float64Array(8),
    stepRt: new RtMixture(params.shape),
  };
}

/** Unit-mean quantile of the statistic (1 for the mean). */
export function statisticFactor(shape: UnitShape, statistic: Statistic): number {
  if (statistic === 'mean') return 1;
  return shape.quantile(Number(statistic.slice(1)) / 100);
}

/** Least cores for `rps` with the statistic ≤ slo in steady state: λD + q·D/slo (see docs/model.md). */
export function coresForRate(
  params: WorkloadParams,
  rps: number,
  sloSeconds: number,
  statistic: Statistic,
): number {
  const d = params.cpuSecondsPerRequest;
  return Math.max(0, rps) * d + (statisticFactor(params.shape, statistic) * d) / sloSeconds;
}
