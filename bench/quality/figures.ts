// Figures of one contender on one workload, from the discrete engine's Recording: SLO-violation time,
// response-time percentiles over all requests, core-seconds (and vs the optimum), utilization, actions.

import {
  DROPPED_VIOLATION_FRACTION,
  type Recording,
  type ServiceSeries,
} from '../../sim/discrete/recorder.ts';
import { boundCoreSeconds, type WindowBound } from '../baselines/bound.ts';

export type ServiceFigures = {
  service: string;
  sloSeconds: number;
  statistic: string;
  /** Share of 30 s windows violating (see violationPct). */
  sloViolationPct: number;
  /** The recorder's per-step verdict (1 s windows: noisy, for reference). */
  stepViolationPct: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  coreSeconds: number;
  /** The per-window lower bound's core-seconds for this service (bench/baselines/bound.ts). */
  boundCoreSeconds: number;
  droppedPct: number;
};

/** The lower bound of one service: the least cores per SLO window (bench/baselines/bound.ts). */
export type ServiceBound = { service: string; windows: WindowBound[] };

export type Figures = {
  contender: string;
  workload: string;
  /** Mean over services of the share of time (30 s windows) their SLO statistic was violated. */
  sloViolationPct: number;
  /** Over every completed request of every service. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  coreSeconds: number;
  /** Σ over services and SLO windows of the lower bound's core-seconds. */
  boundCoreSeconds: number;
  /** coreSeconds / boundCoreSeconds. */
  vsBound: number;
  /** SLO windows (over services) the contender met with fewer cores than the bound: each is a window
   *  where constant equal pods are not the cheapest way (see bound.ts); 0 when the bound holds. */
  belowBoundWindows: number;
  /** Σ used / Σ allocated core-seconds. */
  cpuUtilizationPct: number;
  resizes: number;
  replicaChanges: number;
  restarts: number;
  droppedPct: number;
  services: ServiceFigures[];
};

/** The recorder keeps p50/p90/p95/p99 per step; between them the CDF is taken as piecewise linear. */
const LEVELS = [0, 0.5, 0.9, 0.95, 0.99, 1] as const;
/** Where the CDF reaches 1, as a multiple of p99. */
const TAIL_FACTOR = 1.5;

export type StepRt = { weight: number; p50: number; p90: number; p95: number; p99: number };

/** The piecewise-linear CDF of one step at x seconds. */
export function stepCdf(s: StepRt, x: number): number {
  const xs = [0, s.p50, s.p90, s.p95, s.p99, s.p99 * TAIL_FACTOR];
  if (x <= 0) return 0;
  for (let i = 1; i < xs.length; i++) {
    const x1 = xs[i]!;
    if (x < x1) {
      const x0 = xs[i - 1]!;
      const c0 = LEVELS[i - 1]!;
      return x1 > x0 ? c0 + ((LEVELS[i]! - c0) * (x - x0)) / (x1 - x0) : LEVELS[i]!;
    }
  }
  return 1;
}

/** Quantile p of the weighted mixture of step distributions (bisection on the mixed CDF). */
export function mixtureQuantile(steps: readonly StepRt[], p: number): number {
  let total = 0;
  let hi = 0;
  for (const s of steps) {
    total += s.weight;
    hi = Math.max(hi, s.p99 * TAIL_FACTOR);
  }
  if (total <= 0) return Number.NaN;
  let lo = 0;
  for (let k = 0; k < 50; k++) {
    const mid = (lo + hi) / 2;
    let c = 0;
    for (const s of steps) c += s.weight * stepCdf(s, mid);
    if (c >= p * total) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Length of the windows the SLO is judged on (a Prometheus-style rate window). */
export const SLO_WINDOW_SECONDS = 30;

/** What the SLO verdict of a window reads from a service's per-step series. */
export type VerdictSeries = Pick<
  ServiceSeries,
  | 'sloSeconds'
  | 'statistic'
  | 'offeredRps'
  | 'droppedRps'
  | 'throughputRps'
  | 'meanRtSeconds'
  | 'p50RtSeconds'
  | 'p90RtSeconds'
  | 'p95RtSeconds'
  | 'p99RtSeconds'
>;

function stepsOf(s: VerdictSeries, stepSeconds: number, from: number, to: number): StepRt[] {
  const out: StepRt[] = [];
  for (let i = from; i < to; i++) {
    const weight = s.throughputRps[i]! * stepSeconds;
    const p50 = s.p50RtSeconds[i]!;
    if (!(weight > 0) || Number.isNaN(p50)) continue;
    out.push({ weight, p50, p90: s.p90RtSeconds[i]!, p95: s.p95RtSeconds[i]!, p99: s.p99RtSeconds[i]! });
  }
  return out;
}

/** The service's SLA statistic over [from, to) steps; NaN when nothing completed. */
function windowStatistic(s: VerdictSeries, stepSeconds: number, from: number, to: number): number {
  if (s.statistic === 'mean') {
    let w = 0;
    let m = 0;
    for (let i = from; i < to; i++) {
      const tp = s.throughputRps[i]!;
      if (tp > 0 && !Number.isNaN(s.meanRtSeconds[i]!)) {
        w += tp;
        m += tp * s.meanRtSeconds[i]!;
      }
    }
    return w > 0 ? m / w : Number.NaN;
  }
  return mixtureQuantile(stepsOf(s, stepSeconds, from, to), Number(s.statistic.slice(1)) / 100);
}

/**
 * Whether steps [from, to) violate the SLO: the window's statistic exceeded the SLO or more than 1 %
 * of the offered requests were dropped (a dropped request is an infinitely slow one).
 */
export function windowViolated(s: VerdictSeries, stepSeconds: number, from: number, to: number): boolean {
  let offered = 0;
  let dropped = 0;
  for (let j = from; j < to; j++) {
    offered += s.offeredRps[j]!;
    dropped += s.droppedRps[j]!;
  }
  const stat = windowStatistic(s, stepSeconds, from, to);
  return stat > s.sloSeconds || (dropped > 0 && dropped > DROPPED_VIOLATION_FRACTION * offered);
}

/** The SLO windows of a run: steps [from, to) each (the last one may be shorter). */
export function sloWindows(
  steps: number,
  stepSeconds: number,
  windowSeconds = SLO_WINDOW_SECONDS,
): { from: number; to: number }[] {
  const per = Math.max(1, Math.round(windowSeconds / stepSeconds));
  const out: { from: number; to: number }[] = [];
  for (let i = 0; i < steps; i += per) out.push({ from: i, to: Math.min(steps, i + per) });
  return out;
}

/** Share of time (in SLO windows) where the window violated the SLO (see windowViolated). */
export function violationPct(
  s: VerdictSeries,
  stepSeconds: number,
  windowSeconds = SLO_WINDOW_SECONDS,
): number {
  const n = s.offeredRps.length;
  let violated = 0;
  for (const w of sloWindows(n, stepSeconds, windowSeconds)) {
    if (windowViolated(s, stepSeconds, w.from, w.to)) violated += w.to - w.from;
  }
  return n > 0 ? (100 * violated) / n : 0;
}

const sum = (a: ArrayLike<number>): number => {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += a[i]!;
  return t;
};

/** Windows the series met with mean allocated cores below the bound's (1‰ slack for the bisection). */
export function windowsBelowBound(
  s: ServiceSeries,
  stepSeconds: number,
  bound: readonly WindowBound[],
): number {
  let below = 0;
  for (const w of bound) {
    if (!w.met || windowViolated(s, stepSeconds, w.fromStep, w.toStep)) continue;
    let cores = 0;
    for (let i = w.fromStep; i < w.toStep; i++) cores += s.allocatedCores[i]!;
    if (cores / (w.toStep - w.fromStep) < w.cores * 0.999) below++;
  }
  return below;
}

export function computeFigures(
  rec: Recording,
  workload: string,
  bound: readonly ServiceBound[] = [],
): Figures {
  const dt = rec.stepSeconds;
  let bounded = 0;
  let below = 0;
  const merged: StepRt[] = [];
  const services: ServiceFigures[] = [];
  let allocated = 0;
  let used = 0;
  let offered = 0;
  let dropped = 0;
  for (const s of rec.services) {
    const steps = stepsOf(s, dt, 0, s.offeredRps.length);
    merged.push(...steps);
    const coreSeconds = sum(s.allocatedCores) * dt;
    allocated += coreSeconds;
    used += sum(s.usedCores) * dt;
    const sOffered = sum(s.offeredRps);
    const sDropped = sum(s.droppedRps);
    offered += sOffered;
    dropped += sDropped;
    const windows = bound.find((b) => b.service === s.name)?.windows ?? [];
    const sBound = boundCoreSeconds(windows, dt);
    bounded += sBound;
    below += windowsBelowBound(s, dt, windows);
    services.push({
      service: s.name,
      sloSeconds: s.sloSeconds,
      statistic: s.statistic,
      sloViolationPct: violationPct(s, dt),
      stepViolationPct: (100 * sum(s.sloViolated)) / Math.max(1, s.sloViolated.length),
      p50Ms: mixtureQuantile(steps, 0.5) * 1000,
      p95Ms: mixtureQuantile(steps, 0.95) * 1000,
      p99Ms: mixtureQuantile(steps, 0.99) * 1000,
      coreSeconds,
      boundCoreSeconds: sBound,
      droppedPct: sOffered > 0 ? (100 * sDropped) / sOffered : 0,
    });
  }
  const count = (kinds: readonly string[]): number => rec.events.filter((e) => kinds.includes(e.kind)).length;
  return {
    contender: rec.controller,
    workload,
    sloViolationPct: services.reduce((a, s) => a + s.sloViolationPct, 0) / Math.max(1, services.length),
    p50Ms: mixtureQuantile(merged, 0.5) * 1000,
    p95Ms: mixtureQuantile(merged, 0.95) * 1000,
    p99Ms: mixtureQuantile(merged, 0.99) * 1000,
    coreSeconds: allocated,
    boundCoreSeconds: bounded,
    vsBound: bounded > 0 ? allocated / bounded : Number.NaN,
    belowBoundWindows: below,
    cpuUtilizationPct: allocated > 0 ? (100 * used) / allocated : 0,
    resizes: count(['resize', 'resize-deferred', 'resize-infeasible']),
    replicaChanges: count(['replicas']),
    restarts: count(['recreate', 'oom-kill']),
    droppedPct: offered > 0 ? (100 * dropped) / offered : 0,
    services,
  };
}
