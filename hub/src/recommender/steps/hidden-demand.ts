// Step 4 of the default law: hidden demand (throttling-aware). A CPU-bound pod missing its SLO
// cannot be judged by usage — usage and finished requests are capped by the quota.
import type { KosmosTuning, RecommenderConfig } from '../types.ts';
import type { CpuTarget } from './target.ts';
import type { OperatingPoint } from './window.ts';

/**
 * CPU-bound and the SLO itself missed (pegged, when nothing finished). While a backlog drains (the
 * step after), the window's response time still shows the queue served at its start, so only a pod
 * still pegged at its quota counts.
 */
export function detectHiddenDemand(
  sloSeconds: number,
  draining: boolean | undefined,
  window: Pick<OperatingPoint, 'cpuBound' | 'pegged' | 'responseTimeSeconds'>,
): boolean {
  const rt = window.responseTimeSeconds;
  return (draining ? window.pegged : window.cpuBound) && (rt === undefined ? window.pegged : rt > sloSeconds);
}

export interface HiddenDemandTarget extends CpuTarget {
  /** Work queued in the pod spread over one period, millicores; undefined when not estimated. */
  backlogCpuMilli: number | undefined;
}

/**
 * Under overload the response time of the last finished requests ≈ the time to drain the queue ahead
 * of them, so the backlog is ≈ RT · usage millicore-seconds: the arrivals it hid (backlog / period)
 * plus the work to drain it (backlogFactor counts both), at least minSaturatedGrowthFactor × enacted.
 * Without a response time (nothing finished) enacted × maxGrowthFactor. Raises the target only.
 */
export function hiddenDemandTarget(
  config: Pick<RecommenderConfig, 'maxGrowthFactor'> & {
    tuning: Pick<KosmosTuning, 'evidenceSeconds' | 'backlogFactor' | 'minSaturatedGrowthFactor'>;
  },
  window: Pick<OperatingPoint, 'enactedCpuMilli' | 'usageCpuMilli' | 'responseTimeSeconds' | 'periodSeconds'>,
  hiddenDemand: boolean,
  feedForwardCpuMilli: number | undefined,
  base: CpuTarget,
): HiddenDemandTarget {
  if (!hiddenDemand)
    return { rule: base.rule, targetCpuMilli: base.targetCpuMilli, backlogCpuMilli: undefined };
  const t = config.tuning;
  const rt = window.responseTimeSeconds;
  const usage = window.usageCpuMilli;
  let backlogCpuMilli: number | undefined;
  let hidden: number;
  if (rt === undefined) {
    hidden = window.enactedCpuMilli * config.maxGrowthFactor;
  } else {
    backlogCpuMilli = (rt * usage) / Math.max(window.periodSeconds, t.evidenceSeconds, 1e-3);
    hidden = Math.max(
      (feedForwardCpuMilli ?? usage) + t.backlogFactor * backlogCpuMilli,
      window.enactedCpuMilli * t.minSaturatedGrowthFactor,
    );
  }
  return hidden > base.targetCpuMilli
    ? { rule: 'saturated', targetCpuMilli: hidden, backlogCpuMilli }
    : { rule: base.rule, targetCpuMilli: base.targetCpuMilli, backlogCpuMilli };
}
