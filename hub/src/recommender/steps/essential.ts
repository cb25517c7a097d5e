// Step 8 of the default law: the essential share — the CPU the SLO itself takes at the mean rate,
// without the margins. Not the pod's size: what a node under contention protects before any margin.
import { headroomCpuMilli, statisticFactor } from '../queueing.ts';
import type { RecommenderConfig, RecommenderState } from '../types.ts';
import { queueingTargetSeconds } from './feed-forward.ts';

/**
 * CPU the SLO itself takes at `meanRate`, without margins: mean rate × cost + the queueing headroom
 * for the objective (not the aimed-at SLO/sloMargin); undefined without a cost model.
 */
export function essentialCpu(
  config: Pick<RecommenderConfig, 'sloSeconds' | 'statistic' | 'tuning'>,
  meanRate: number,
  cost: number | undefined,
  model: { correction: number; latencyFloorSeconds: number },
): number | undefined {
  if (cost === undefined) return undefined;
  const meanTarget = queueingTargetSeconds(
    config.sloSeconds,
    statisticFactor(config.statistic),
    model.latencyFloorSeconds,
    config.tuning.queueingTargetFraction,
  );
  return meanRate * cost + model.correction * headroomCpuMilli(cost, meanTarget);
}

/** essentialCpu from a pod's last recommender state (a pod held without a fresh signal). */
export function essentialFromState(
  config: Pick<RecommenderConfig, 'sloSeconds' | 'statistic' | 'tuning'>,
  state: RecommenderState | undefined,
): number | undefined {
  if (state?.rateMean === undefined) return undefined;
  return essentialCpu(config, state.rateMean, state.cpuCostMilliSecondsPerRequest, {
    correction: state.modelCorrection,
    latencyFloorSeconds: state.latencyFloorSeconds ?? 0,
  });
}
