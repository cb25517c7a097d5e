// Step 6 of the default law: rate limits. A measured surge (feed-forward or backlog estimate, on
// enough requests) may grow up to surgeGrowthFactor, the rest up to maxGrowthFactor; decreases are
// limited to maxDecreaseFraction; changes within the deadband are skipped unless the target is missed.
import type { CpuRule, KosmosTuning, RecommenderConfig } from '../types.ts';
import { clamp } from '../util.ts';
import type { HiddenDemandTarget } from './hidden-demand.ts';
import type { OperatingPoint } from './window.ts';

export interface RateLimited {
  rule: CpuRule;
  /** The limited target rounded up: what the service needs from this pod, before SLA bounds. */
  unboundedCpuMilli: number;
  growthLimitCpuMilli: number;
  decreaseLimitCpuMilli: number;
}

export function rateLimit(
  config: Pick<RecommenderConfig, 'maxGrowthFactor'> & {
    tuning: Pick<
      KosmosTuning,
      'confidentRequestCount' | 'surgeGrowthFactor' | 'maxDecreaseFraction' | 'deadbandFraction'
    >;
  },
  window: Pick<OperatingPoint, 'enactedCpuMilli' | 'requestCount' | 'violating'>,
  target: HiddenDemandTarget,
): RateLimited {
  const t = config.tuning;
  const enacted = window.enactedCpuMilli;
  let rule = target.rule;
  const measured = rule === 'feed-forward' || (rule === 'saturated' && target.backlogCpuMilli !== undefined);
  const confidentSurge = measured && window.requestCount >= t.confidentRequestCount;
  const growthLimit =
    enacted *
    (confidentSurge ? Math.max(t.surgeGrowthFactor, config.maxGrowthFactor) : config.maxGrowthFactor);
  const decreaseLimit = enacted * (1 - t.maxDecreaseFraction);
  let limited = clamp(target.targetCpuMilli, decreaseLimit, growthLimit);
  const smallChange = Math.abs(limited - enacted) < t.deadbandFraction * enacted;
  if (smallChange && limited !== enacted && !(window.violating && limited > enacted)) {
    limited = enacted;
    rule = 'deadband';
  }
  return {
    rule,
    unboundedCpuMilli: Math.ceil(limited),
    growthLimitCpuMilli: growthLimit,
    decreaseLimitCpuMilli: decreaseLimit,
  };
}
