// The lower bound of the quality benchmark: per SLO window, the least cores with which that window
// meets its objective on the run's own arrivals, found by replaying the window in the pod model.
//
// What the search covers and why it stays (nearly) a lower bound:
// * n equal pods of c millicores each for the whole window, traffic split equally, n within the
//   SLA's replica bounds and c within its per-pod CPU bounds. For a given n the window's verdict is
//   monotone in c (more CPU never slows a processor-sharing pod), so c is found by bisection; n is
//   the fewest pods that can meet the window at the per-pod maximum. More pods never need fewer
//   cores: one pod of 2c serves 2λ twice as fast as two pods of c (pooling), so any n' > n that met
//   the window with total T would let n pods meet it with T as well.
// * The replay starts with empty pods, already started and ready: the most favourable state (a
//   fuller queue only raises later response times), so the start-up delay and any backlog a
//   controller carries in are never charged to the bound.
// * Node capacity, memory and resize delays are ignored (relaxations: they can only raise the need),
//   and so are a pod's warm-up and a noisy neighbour (they only slow pods down). A request's fixed
//   latency, CFS stalls and load-dependent cost are replayed as the engine has them.
// * Not covered: allocations that change inside the window, or pods of unequal sizes. A controller
//   that gives a burst more CPU only while it lasts could meet a window with fewer core-seconds than
//   the best constant allocation; the benchmark counts such windows (`belowBoundWindows`) rather
//   than assume they never happen.
import type { Statistic } from '../../lib/api/types.ts';
import { PodQueue, requestCost, rtOffsetSeconds, type WorkloadParams } from '../../sim/model/pod-queue.ts';
import { type VerdictSeries, windowViolated } from '../quality/figures.ts';

export type BoundSla = {
  sloSeconds: number;
  statistic: Statistic;
  minCpuMilli: number;
  maxCpuMilli: number;
  minReplicas: number;
  maxReplicas: number;
};

export type WindowBound = {
  fromStep: number;
  toStep: number;
  replicas: number;
  cpuMilliPerPod: number;
  /** replicas × cpuMilliPerPod, in cores. */
  cores: number;
  /** False when even the most the SLA allows misses the window (cores is then that most). */
  met: boolean;
};

export type BoundInput = {
  /** Requests arriving at the service in each step of the run (the same for every contender). */
  arrivals: ArrayLike<number>;
  stepSeconds: number;
  params: WorkloadParams;
  sla: BoundSla;
};

/** Bisection stops when the per-pod bracket is this narrow (the bound is its upper end). */
export const BOUND_RESOLUTION_MILLI = 1;

/** Scratch series for replaying one window (reused across the search). */
function scratch(length: number, sla: BoundSla): VerdictSeries {
  const a = () => new Float64Array(length);
  return {
    sloSeconds: sla.sloSeconds,
    statistic: sla.statistic,
    offeredRps: a(),
    droppedRps: a(),
    throughputRps: a(),
    meanRtSeconds: a(),
    p50RtSeconds: a(),
    p90RtSeconds: a(),
    p95RtSeconds: a(),
    p99RtSeconds: a(),
  };
}

const LEVELS = [
  ['p50RtSeconds', 0.5],
  ['p90RtSeconds', 0.9],
  ['p95RtSeconds', 0.95],
  ['p99RtSeconds', 0.99],
] as const;

/**
 * Replays steps [from, to) with `replicas` equal pods of `cpuMilli`, starting empty, and judges the
 * window exactly as the benchmark judges a contender's (windowViolated).
 */
export function meetsWindow(
  input: BoundInput,
  from: number,
  to: number,
  replicas: number,
  cpuMilli: number,
  series: VerdictSeries = scratch(to - from, input.sla),
): boolean {
  const { arrivals, stepSeconds: dt, params } = input;
  const queue = new PodQueue(params);
  const quantiles = LEVELS.map(([, p]) => params.shape.quantile(p));
  for (let i = 0; i < to - from; i++) {
    const a = arrivals[from + i]!;
    const capacityCores = cpuMilli / 1000;
    const r = queue.step({
      arrivals: a / replicas,
      capacityCores,
      dtSeconds: dt,
      ...(params.costDrift ? { cpuSecondsPerRequest: requestCost(params, a / dt) } : {}),
    });
    series.offeredRps[i] = a / dt;
    series.throughputRps[i] = (r.completions * replicas) / dt;
    series.droppedRps[i] = (r.dropped * replicas) / dt;
    // Equal pods make one response-time component per step: its fixed part plus scale × the shape's quantiles.
    const scale = r.completions > 0 && r.meanRtSeconds > 0 ? r.meanRtSeconds : Number.NaN;
    const offset = rtOffsetSeconds(params, r, capacityCores);
    series.meanRtSeconds[i] = offset + scale;
    LEVELS.forEach(([key], k) => {
      series[key][i] = offset + scale * quantiles[k]!;
    });
  }
  return !windowViolated(series, dt, 0, to - from);
}

/** The least cores (equal pods, constant over the window) that meet steps [from, to). */
export function windowBound(input: BoundInput, from: number, to: number): WindowBound {
  const { sla } = input;
  const series = scratch(to - from, sla);
  const meets = (n: number, c: number) => meetsWindow(input, from, to, n, c, series);
  const result = (replicas: number, cpuMilliPerPod: number, met: boolean): WindowBound => ({
    fromStep: from,
    toStep: to,
    replicas,
    cpuMilliPerPod,
    cores: (replicas * cpuMilliPerPod) / 1000,
    met,
  });
  let n = Math.max(1, sla.minReplicas);
  while (n <= sla.maxReplicas && !meets(n, sla.maxCpuMilli)) n++;
  if (n > sla.maxReplicas) return result(sla.maxReplicas, sla.maxCpuMilli, false);
  if (meets(n, sla.minCpuMilli)) return result(n, sla.minCpuMilli, true);
  let lo = sla.minCpuMilli;
  let hi = sla.maxCpuMilli;
  while (hi - lo > BOUND_RESOLUTION_MILLI) {
    const mid = (lo + hi) / 2;
    if (meets(n, mid)) hi = mid;
    else lo = mid;
  }
  return result(n, hi, true);
}

/** The bound of every SLO window of a run: windows of `windowSteps` steps (the last may be shorter). */
export function runBound(input: BoundInput, windowSteps: number): WindowBound[] {
  const out: WindowBound[] = [];
  for (let from = 0; from < input.arrivals.length; from += windowSteps) {
    out.push(windowBound(input, from, Math.min(input.arrivals.length, from + windowSteps)));
  }
  return out;
}

/** Σ over windows of the bound's cores × the window's length. */
export function boundCoreSeconds(windows: readonly WindowBound[], stepSeconds: number): number {
  let total = 0;
  for (const w of windows) total += w.cores * (w.toStep - w.fromStep) * stepSeconds;
  return total;
}
