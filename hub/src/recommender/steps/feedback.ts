// Step 3 of the default law: feedback on the queueing model's error. Each window's observed
// statistic RT is fitted to RT = floor + r·x, x = q·cost/h the processor-sharing prediction from the
// observed idle capacity h = enacted − usage: r corrects the model's constant, the floor is the
// latency no CPU removes (a downstream call, a histogram bucket the statistic cannot get below). A
// ridge-regularized least-squares fit with exponential forgetting, symmetric in both directions, so
// the correction is an estimate, not a ratchet: a rise learnt from one noisy window is unlearnt the
// same way, at any utilization.
import type { KosmosTuning, LatencyFit } from '../types.ts';
import { clamp } from '../util.ts';
import type { OperatingPoint } from './window.ts';

export interface CorrectionEstimate {
  modelCorrection: number;
  /** Non-CPU latency of the statistic, seconds (0 when nothing says otherwise). */
  latencyFloorSeconds: number;
  /** The fit's forgotten sums, for the next window; undefined before the first identifying window. */
  latencyFit: LatencyFit | undefined;
  /** This window's RT / model RT (r alone, no floor), clamped; undefined when the window identifies nothing. */
  correctionSample: number | undefined;
}

type FitTuning = Pick<KosmosTuning, 'correction' | 'latencyFitSmoothing' | 'latencyFitPrior'>;

/**
 * The largest floor the fit holds, in units of the target: twice the target, far past the point where
 * the feed-forward stops aiming lower (queueingTargetFraction), but finite, so a run of windows that
 * only a backlog explains cannot set a floor that later windows would need minutes to unlearn.
 */
const MAX_FLOOR_TARGETS = 2;

/** Largest residual a window contributes to the fit, in units of the target. */
const RESIDUAL_CLIP_TARGETS = 1;

export function solveLatencyFit(tuning: FitTuning, fit: LatencyFit): { floor: number; correction: number } {
  const p = tuning.latencyFitPrior;
  const { min, max } = tuning.correction;
  const a = fit.weight + p;
  // each unknown's normal equation solved for it with the other held
  const floorAt = (r: number) => (fit.y - fit.x * r) / a;
  const correctionAt = (floor: number) => (fit.xy + p - fit.x * floor) / (fit.xx + p);
  const det = a * (fit.xx + p) - fit.x * fit.x;
  let r = det > 0 ? (a * (fit.xy + p) - fit.x * fit.y) / det : 1;
  let floor = det > 0 ? floorAt(r) : 0;
  if (r < min || r > max) {
    r = clamp(r, min, max);
    floor = clamp(floorAt(r), 0, MAX_FLOOR_TARGETS);
  }
  if (floor < 0 || floor > MAX_FLOOR_TARGETS) {
    floor = clamp(floor, 0, MAX_FLOOR_TARGETS);
    r = clamp(correctionAt(floor), min, max);
  }
  return { floor, correction: r };
}

export function identifyCorrection(
  tuning: Pick<KosmosTuning, 'identifyUtilization'> & FitTuning,
  window: Pick<
    OperatingPoint,
    | 'trains'
    | 'idle'
    | 'violating'
    | 'utilization'
    | 'enactedCpuMilli'
    | 'usageCpuMilli'
    | 'responseTimeSeconds'
    | 'statisticFactor'
    | 'targetResponseSeconds'
  >,
  model: {
    previousCorrection: number;
    previousFloorSeconds: number | undefined;
    previousFit: LatencyFit | undefined;
    cpuCostMilliSecondsPerRequest: number | undefined;
    hiddenDemand: boolean;
    /** The previous step saw hidden demand: a backlog drains, the queue is not in steady state. */
    draining: boolean | undefined;
  },
): CorrectionEstimate {
  const t = tuning;
  const rt = window.responseTimeSeconds;
  const cost = model.cpuCostMilliSecondsPerRequest;
  const kept: CorrectionEstimate = {
    modelCorrection: model.previousCorrection,
    latencyFloorSeconds: model.previousFloorSeconds ?? 0,
    latencyFit: model.previousFit,
    correctionSample: undefined,
  };
  const inBand =
    window.utilization >= t.identifyUtilization.min && window.utilization <= t.identifyUtilization.max;
  const identifiable =
    window.utilization < t.identifyUtilization.max && !model.hiddenDemand && !model.draining;
  const idleCpuMilli = window.enactedCpuMilli - window.usageCpuMilli;
  if (
    !window.trains ||
    window.idle ||
    rt === undefined ||
    !identifiable ||
    cost === undefined ||
    cost <= 0 ||
    idleCpuMilli <= 0 ||
    !(inBand || window.violating)
  ) {
    return kept;
  }
  const modelSeconds = (window.statisticFactor * cost) / idleCpuMilli;
  const target = window.targetResponseSeconds;
  const x = modelSeconds / target;
  // Huber-like: a window's distance from what the fit predicted counts at most one target either way,
  // so one window far off — the tail of a backlog drained from an earlier overload, one outlier
  // request in the p95 — moves the fit by a bounded step; a lasting change still arrives in a few.
  const predicted = (model.previousFloorSeconds ?? 0) / target + model.previousCorrection * x;
  const y = clamp(rt / target, predicted - RESIDUAL_CLIP_TARGETS, predicted + RESIDUAL_CLIP_TARGETS);
  const a = t.latencyFitSmoothing;
  const prev = model.previousFit ?? { weight: 0, x: 0, y: 0, xx: 0, xy: 0 };
  const fit: LatencyFit = {
    weight: (1 - a) * prev.weight + a,
    x: (1 - a) * prev.x + a * x,
    y: (1 - a) * prev.y + a * y,
    xx: (1 - a) * prev.xx + a * x * x,
    xy: (1 - a) * prev.xy + a * x * y,
  };
  const solved = solveLatencyFit(t, fit);
  return {
    modelCorrection: solved.correction,
    latencyFloorSeconds: solved.floor * target,
    latencyFit: fit,
    correctionSample: clamp(rt / modelSeconds, t.correction.min, t.correction.max),
  };
}
