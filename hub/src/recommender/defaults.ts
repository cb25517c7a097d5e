// Default constants of the recommender laws (the original KOSMOS PI and the default kosmos law).
import type { ControllerName, Statistic } from '../../../lib/api/types.ts';
import type { KosmosTuning, RecommenderConfig, SlaBounds } from './types.ts';

const MI = 1024 * 1024;

/** The original KOSMOS law: gains in millicore-seconds (e in 1/s), |e| ≤ 10, growth ≤ 1.5× per 5 s step. */
export const KOSMOS_PI = {
  bc: 40,
  dc: 80,
  errorClamp: 10,
  maxGrowthFactor: 1.5,
  periodSeconds: 5,
} as const;

export const RECOMMENDER_DEFAULTS = {
  controller: 'kosmos' as ControllerName,
  statistic: 'p95' as Statistic,
  periodSeconds: 5,
  maxGrowthFactor: 2,
  tuning: {
    sloMargin: 1.3,
    costSmoothing: 0.3,
    minRequestsForModel: 20,
    minRequestsForFeedback: 5,
    confidentRequestCount: 50,
    surgeGrowthFactor: 4,
    rateTrendGain: 0.5,
    rateNoiseSigmas: 2,
    rateStatsSmoothing: 0.05,
    evidenceSeconds: 5,
    identifyUtilization: { min: 0, max: 0.97 },
    correction: { min: 0.25, max: 8 },
    latencyFitSmoothing: 0.4,
    latencyFitPrior: 0.1,
    queueingTargetFraction: 0.5,
    saturatedUtilization: 0.9,
    throttledRatioSaturated: 0.25,
    backlogFactor: 1.5,
    minSaturatedGrowthFactor: 1.25,
    maxDecreaseFraction: 0.2,
    deadbandFraction: 0.05,
    shrinkHoldSeconds: 60,
    idleUsageHeadroom: 0.5,
    memoryMargin: 0.5,
    memoryFloorBytes: 64 * MI,
    memoryPeakDecay: 0.01,
    oomBumpFraction: 0.5,
    oomBumpBytes: 128 * MI,
    maxMemoryDecreaseFraction: 0.5,
    memoryStableFraction: 0.05,
    memoryStableSteps: 6,
    memoryHoldStepsAfterOom: 60,
    memoryGranularityBytes: MI,
  } satisfies KosmosTuning,
} as const;

/** The parts of a RecommenderConfig that have no default: the SLA's bounds but the statistic. */
export type RecommenderConfigRequired = Omit<SlaBounds, 'statistic'>;

/** Optional overrides; tuning fields override one by one. */
export interface RecommenderConfigOverrides {
  controller?: ControllerName;
  statistic?: Statistic;
  gains?: { bc?: number; dc?: number };
  maxGrowthFactor?: number;
  tuning?: Partial<KosmosTuning>;
}

/**
 * A complete RecommenderConfig from the SLA's required values plus overrides.
 * `kosmos-pi` keeps the original 1.5× growth limit unless maxGrowthFactor is given.
 */
export function recommenderConfig(
  required: RecommenderConfigRequired,
  overrides: RecommenderConfigOverrides = {},
): RecommenderConfig {
  const controller = overrides.controller ?? RECOMMENDER_DEFAULTS.controller;
  const defaultGrowth =
    controller === 'kosmos-pi' ? KOSMOS_PI.maxGrowthFactor : RECOMMENDER_DEFAULTS.maxGrowthFactor;
  return {
    controller,
    sloSeconds: required.sloSeconds,
    statistic: overrides.statistic ?? RECOMMENDER_DEFAULTS.statistic,
    minCpuMilli: required.minCpuMilli,
    maxCpuMilli: required.maxCpuMilli,
    minMemoryBytes: required.minMemoryBytes,
    maxMemoryBytes: required.maxMemoryBytes,
    gains: { bc: overrides.gains?.bc ?? KOSMOS_PI.bc, dc: overrides.gains?.dc ?? KOSMOS_PI.dc },
    maxGrowthFactor: overrides.maxGrowthFactor ?? defaultGrowth,
    tuning: { ...RECOMMENDER_DEFAULTS.tuning, ...overrides.tuning },
  };
}
