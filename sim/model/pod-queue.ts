// One pod as a processor-sharing server (fluid, pointwise-stationary approximation): pure state
// stepped by Δt with the arrivals routed to it and its enacted CPU; see docs/model.md.
import { normalCdf, type UnitShape } from './rt-distribution.ts';

/** What a service's requests cost and how its pods behave; shared by all pods of the service. */
export interface WorkloadParams {
  /** Mean CPU-seconds one request needs (D). */
  cpuSecondsPerRequest: number;
  /** Unit-mean shape of the per-request demand (and so of response times). */
  shape: UnitShape;
  /** Working set of an idle pod. */
  baseMemoryBytes: number;
  /** Extra working set per request in the pod. */
  memoryPerRequestBytes: number;
  /** A request that would stay longer than this is rejected instead (bounded queue). */
  timeoutSeconds: number;
  /** Time every request spends outside the CPU (a downstream call), added to its response time. */
  fixedLatencySeconds?: number;
  /** Worker threads of a multi-threaded server: with fewer cores than threads, a throttled CFS period
   *  stalls every thread until the next one, which adds to response times (see rtOffsetSeconds). */
  threads?: number;
  /** Cost per request rising with load (a cache's hit rate falls): D·(1 + slope·max(0, λ/referenceRps − 1)). */
  costDrift?: { referenceRps: number; slope: number };
  /** A pod started during the run works at half speed when ready, reaching full speed over this time
   *  (JIT, cold caches); the CPU it burns meanwhile does less. */
  warmupSeconds?: number;
}

/** CPU-seconds a request costs when the service is offered `offeredRps` (costDrift, else D). */
export function requestCost(params: WorkloadParams, offeredRps: number): number {
  const d = params.cpuSecondsPerRequest;
  const drift = params.costDrift;
  return drift ? d * (1 + drift.slope * Math.max(0, offeredRps / drift.referenceRps - 1)) : d;
}

/**
 * The fixed part of a step's response times: the downstream call, plus for a multi-threaded server
 * the stall of throttled CFS periods — a period whose quota runs out with T threads busy leaves them
 * waiting (1 − c/T) of it, and a request meets such a period with the throttled fraction's odds.
 */
export function rtOffsetSeconds(
  params: WorkloadParams,
  result: PodStepResult,
  capacityCores: number,
): number {
  let offset = params.fixedLatencySeconds ?? 0;
  if (params.threads && result.cfsPeriods > 0) {
    const throttled = result.throttledPeriods / result.cfsPeriods;
    offset += throttled * CFS_PERIOD_SECONDS * (1 - Math.min(1, capacityCores / params.threads));
  }
  return offset;
}

export interface PodStepInput {
  /** Requests routed to the pod during the step (fractional allowed). */
  arrivals: number;
  /** Enacted CPU (the cgroup quota), in cores. */
  capacityCores: number;
  dtSeconds: number;
  /** This step's cost per request when it differs from the workload's (requestCost). */
  cpuSecondsPerRequest?: number;
}

export interface PodStepResult {
  arrivals: number;
  completions: number;
  /** Requests rejected: they would have exceeded the timeout (or the pod had no CPU). */
  dropped: number;
  usedCpuSeconds: number;
  usedCores: number;
  /** Offered CPU demand, λ·D, in cores (may exceed capacity). */
  demandCores: number;
  /** Mean response time of the requests completed in the step; NaN when none completed. */
  meanRtSeconds: number;
  inFlight: number;
  peakInFlight: number;
  /** CFS periods (100 ms) elapsed and the expected number in which the quota ran out. */
  cfsPeriods: number;
  throttledPeriods: number;
  /** CPU time the pod wanted but the quota refused, an estimate (cgroup throttled_usec analogue). */
  throttledSeconds: number;
  workingSetBytes: number;
  peakWorkingSetBytes: number;
}

export const CFS_PERIOD_SECONDS = 0.1;

/** Substeps per step: backward Euler is stable at any size; a few substeps keep transients accurate. */
const SUBSTEPS = 4;

/**
 * A pod's queue: `inFlight` (mean number of requests in the pod) evolves by
 *   dN/dt = λ − μ·N/(1+N),   μ = c/D,
 * whose fixed point N = ρ/(1−ρ) is the M/M/1-PS (and M/G/1-PS) mean; integrated implicitly.
 */
export class PodQueue {
  readonly params: WorkloadParams;
  inFlight = 0;

  constructor(params: WorkloadParams) {
    this.params = params;
  }

  /** Empties the pod (restart, OOM kill): the requests in it are lost; returns how many. */
  reset(): number {
    const lost = this.inFlight;
    this.inFlight = 0;
    return lost;
  }

  step(input: PodStepInput): PodStepResult {
    const { shape, timeoutSeconds } = this.params;
    const demand = input.cpuSecondsPerRequest ?? this.params.cpuSecondsPerRequest;
    const dt = input.dtSeconds;
    const arrivals = Math.max(0, input.arrivals);
    const capacity = Math.max(0, input.capacityCores);
    const mu = capacity / demand;
    // RT of a request that finds N in the pod is (1+N)/μ: the queue holds at most timeout·μ − 1.
    const maxInFlight = Math.max(0, timeoutSeconds * mu - 1);
    const h = dt / SUBSTEPS;
    const arrivalsPerSub = arrivals / SUBSTEPS;
    const muH = mu * h;

    let n = this.inFlight;
    let dropped = 0;
    if (n > maxInFlight) {
      dropped += n - maxInFlight;
      n = maxInFlight;
    }
    const startN = n;
    let completions = 0;
    let sumN = 0;
    let peak = n;
    for (let i = 0; i < SUBSTEPS; i++) {
      const a = n + arrivalsPerSub;
      // Backward Euler: n' = a − μh·n'/(1+n')  ⇔  n'² + (1 − a + μh)·n' − a = 0.
      const b = 1 - a + muH;
      let next = a > 0 ? (-b + Math.sqrt(b * b + 4 * a)) / 2 : 0;
      completions += a - next;
      if (next > maxInFlight) {
        dropped += next - maxInFlight;
        next = maxInFlight;
      }
      sumN += next;
      if (next > peak) peak = next;
      n = next;
    }
    this.inFlight = n;

    const usedCpuSeconds = completions * demand;
    const meanRtSeconds = completions > 0 ? (sumN * h) / completions : Number.NaN;
    const cfsPeriods = dt / CFS_PERIOD_SECONDS;
    const throttledFraction = throttledFractionOf(
      (startN + n) / 2,
      arrivals / dt,
      demand,
      capacity,
      shape.cv2,
    );
    const demandCores = (arrivals * demand) / dt;
    const { baseMemoryBytes, memoryPerRequestBytes } = this.params;
    return {
      arrivals,
      completions,
      dropped,
      usedCpuSeconds,
      usedCores: usedCpuSeconds / dt,
      demandCores,
      meanRtSeconds,
      inFlight: n,
      peakInFlight: peak,
      cfsPeriods,
      throttledPeriods: throttledFraction * cfsPeriods,
      throttledSeconds:
        throttledFraction * dt * throttledShare(demandCores + (startN * demand) / dt, capacity),
      workingSetBytes: baseMemoryBytes + memoryPerRequestBytes * n,
      peakWorkingSetBytes: baseMemoryBytes + memoryPerRequestBytes * peak,
    };
  }
}

/** Share of a throttled period spent waiting for the next one: 1 − quota/wanted. */
function throttledShare(wantedCores: number, capacityCores: number): number {
  return wantedCores > capacityCores ? 1 - capacityCores / wantedCores : 0;
}

/**
 * Probability that a 100 ms CFS period exhausts the quota: the work present in a period
 * ((N + λT)·D, normal approximation of its spread) exceeds c·T.
 */
export function throttledFractionOf(
  meanInFlight: number,
  ratePerSecond: number,
  cpuSecondsPerRequest: number,
  capacityCores: number,
  cv2: number,
): number {
  const jobs = meanInFlight + ratePerSecond * CFS_PERIOD_SECONDS;
  if (jobs <= 0) return 0;
  const budget = capacityCores * CFS_PERIOD_SECONDS;
  const mean = jobs * cpuSecondsPerRequest;
  const sd = cpuSecondsPerRequest * Math.sqrt(jobs * (1 + cv2));
  if (sd <= 0) return mean > budget ? 1 : 0;
  return 1 - normalCdf((budget - mean) / sd);
}
