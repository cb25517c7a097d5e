// Step 2 of the default law: feed-forward. The next window's request rate (trend, Poisson noise,
// burstiness beyond Poisson) times the cost, plus the queueing headroom the response-time target
// needs (processor-sharing pod): a surge is met in one step, not after many.
import { headroomCpuMilli } from '../queueing.ts';
import type { KosmosTuning, RecommenderState } from '../types.ts';
import type { OperatingPoint } from './window.ts';

export interface RateStatistics {
  /** Running mean and variance of the window request rate, req/s and (req/s)². */
  rateMean: number | undefined;
  rateVariance: number;
  rateDeviation: number;
}

/**
 * Running mean and variance (EWMA, weight `smoothing`) of the window rate. `sampled` false (a pegged
 * pod or a draining backlog: the finished-request rate then shows the quota, not the arrivals) keeps them.
 */
export function rateStatistics(
  smoothing: number,
  previous: Pick<RecommenderState, 'rateMean' | 'rateVariance'>,
  rate: number,
  sampled: boolean,
): RateStatistics {
  const a = smoothing;
  const rateMean = !sampled
    ? previous.rateMean
    : previous.rateMean === undefined
      ? rate
      : previous.rateMean + a * (rate - previous.rateMean);
  const rateVariance =
    !sampled || previous.rateMean === undefined
      ? (previous.rateVariance ?? 0)
      : (1 - a) * ((previous.rateVariance ?? 0) + a * (rate - previous.rateMean) ** 2);
  return { rateMean, rateVariance, rateDeviation: Math.sqrt(rateVariance) };
}

export interface RatePrediction {
  /** Poisson noise of a rate measured over one period, times rateNoiseSigmas, req/s. */
  rateNoiseMargin: number;
  /** The rate the next window is planned for, req/s. */
  predictedRequestRate: number;
}

/**
 * max(rate + trend + noise, mean + σ·sigmas): trend = rateTrendGain × the rise since the previous
 * window, none while a backlog drains (the finished-request rate then includes the drained queue).
 */
export function predictRequestRate(
  tuning: Pick<KosmosTuning, 'rateTrendGain' | 'rateNoiseSigmas'>,
  window: Pick<OperatingPoint, 'requestRate' | 'periodSeconds'>,
  previous: Pick<RecommenderState, 'previousRequestRate' | 'draining'>,
  rates: Pick<RateStatistics, 'rateMean' | 'rateDeviation'>,
): RatePrediction {
  const t = tuning;
  const rate = window.requestRate;
  const trend =
    previous.previousRequestRate === undefined || previous.draining
      ? 0
      : t.rateTrendGain * Math.max(0, rate - previous.previousRequestRate);
  const rateNoiseMargin = t.rateNoiseSigmas * Math.sqrt(rate / Math.max(window.periodSeconds, 1e-3));
  const predictedRequestRate = Math.max(
    rate + trend + rateNoiseMargin,
    rates.rateMean === undefined ? 0 : rates.rateMean + t.rateNoiseSigmas * rates.rateDeviation,
  );
  return { rateNoiseMargin, predictedRequestRate };
}

export interface FeedForward {
  /** max(predicted rate × cost, usage), millicores; undefined without a cost model. */
  loadCpuMilli: number | undefined;
  /** correction × the processor-sharing headroom for the queueing target, millicores. */
  headroomCpuMilli: number | undefined;
  /** load + headroom, millicores. */
  feedForwardCpuMilli: number | undefined;
}

/**
 * The mean queueing delay to aim at: the statistic's target less the learned non-CPU floor, at least
 * `queueingTargetFraction` of the target, over the statistic factor.
 */
export function queueingTargetSeconds(
  targetSeconds: number,
  statisticFactor: number,
  latencyFloorSeconds: number,
  queueingTargetFraction: number,
): number {
  return (
    Math.max(targetSeconds - latencyFloorSeconds, queueingTargetFraction * targetSeconds) / statisticFactor
  );
}

export function feedForward(
  tuning: Pick<KosmosTuning, 'queueingTargetFraction'>,
  window: Pick<OperatingPoint, 'usageCpuMilli' | 'targetResponseSeconds' | 'statisticFactor'>,
  predictedRequestRate: number,
  cpuCostMilliSecondsPerRequest: number | undefined,
  model: { modelCorrection: number; latencyFloorSeconds: number },
): FeedForward {
  const cost = cpuCostMilliSecondsPerRequest;
  const loadCpuMilli =
    cost === undefined ? undefined : Math.max(predictedRequestRate * cost, window.usageCpuMilli);
  const meanTarget = queueingTargetSeconds(
    window.targetResponseSeconds,
    window.statisticFactor,
    model.latencyFloorSeconds,
    tuning.queueingTargetFraction,
  );
  const headroom =
    cost === undefined ? undefined : model.modelCorrection * headroomCpuMilli(cost, meanTarget);
  const feedForwardCpuMilli =
    loadCpuMilli === undefined || headroom === undefined ? undefined : loadCpuMilli + headroom;
  return { loadCpuMilli, headroomCpuMilli: headroom, feedForwardCpuMilli };
}
