// Small helpers shared by the recommender laws: bounds, rounding, initial state, formatting.
import type { RecommenderState } from './types.ts';

export function initialRecommenderState(): RecommenderState {
  return withEvidence(EMPTY_STATE, undefined);
}

const EMPTY_STATE: RecommenderState = { steps: 0, modelCorrection: 1, workingSetStableSteps: 0 };

/**
 * A copy of `state` with `evidence` as its pooled window. Every field is written, in the order the
 * law writes them (kosmos.ts), so all states share one hidden class.
 */
export function withEvidence(
  state: RecommenderState,
  evidence: RecommenderState['evidence'],
): RecommenderState {
  return {
    steps: state.steps,
    previousError: state.previousError,
    cpuCostMilliSecondsPerRequest: state.cpuCostMilliSecondsPerRequest,
    modelCorrection: state.modelCorrection,
    latencyFloorSeconds: state.latencyFloorSeconds,
    latencyFit: state.latencyFit,
    previousRequestRate: state.previousRequestRate,
    rateMean: state.rateMean,
    rateVariance: state.rateVariance,
    draining: state.draining,
    evidence,
    lastDesired: state.lastDesired,
    recentTargets: state.recentTargets,
    peakWorkingSetBytes: state.peakWorkingSetBytes,
    previousWorkingSetBytes: state.previousWorkingSetBytes,
    workingSetStableSteps: state.workingSetStableSteps,
    stepsSinceOom: state.stepsSinceOom,
    oomAnsweredRestartCount: state.oomAnsweredRestartCount,
  };
}

/** Writes every field of `source` into `target` (a state updated in place); returns `target`. */
export function assignState(target: RecommenderState, source: RecommenderState): RecommenderState {
  target.steps = source.steps;
  target.previousError = source.previousError;
  target.cpuCostMilliSecondsPerRequest = source.cpuCostMilliSecondsPerRequest;
  target.modelCorrection = source.modelCorrection;
  target.latencyFloorSeconds = source.latencyFloorSeconds;
  target.latencyFit = source.latencyFit;
  target.previousRequestRate = source.previousRequestRate;
  target.rateMean = source.rateMean;
  target.rateVariance = source.rateVariance;
  target.draining = source.draining;
  target.evidence = source.evidence;
  target.lastDesired = source.lastDesired;
  target.recentTargets = source.recentTargets;
  target.peakWorkingSetBytes = source.peakWorkingSetBytes;
  target.previousWorkingSetBytes = source.previousWorkingSetBytes;
  target.workingSetStableSteps = source.workingSetStableSteps;
  target.stepsSinceOom = source.stepsSinceOom;
  target.oomAnsweredRestartCount = source.oomAnsweredRestartCount;
  return target;
}

/** Clamps to [min, max] and says which bound cut (max wins when min > max). */
export function boundBy(
  value: number,
  min: number,
  max: number,
): { value: number; bound: 'min' | 'max' | 'none' } {
  if (value > max) return { value: max, bound: 'max' };
  if (value < min) return { value: min, bound: 'min' };
  return { value, bound: 'none' };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function formatCpu(cpuMilli: number): string {
  return `${Math.round(cpuMilli)}m`;
}

export function formatMemory(memoryBytes: number): string {
  const mi = memoryBytes / (1024 * 1024);
  return Number.isInteger(mi) ? `${mi}Mi` : `${mi.toFixed(1)}Mi`;
}

export function formatSeconds(seconds: number | undefined): string {
  return seconds === undefined ? 'none' : `${(seconds * 1000).toFixed(0)}ms`;
}
