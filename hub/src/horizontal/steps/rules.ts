// Step 4 of the horizontal decision: the rules, in order — replica bounds, scale out (capped),
// remove unschedulable pods, scale in (fits fewer). Each reads the decision's facts (its terms) and
// returns a verdict, or undefined when it does not apply.
import type { HorizontalConfig, HorizontalReason, HorizontalTerms } from '../types.ts';
import { finiteOrUndefined, stepAllowance } from './step-limits.ts';
import { stabilizing } from './windows.ts';

/** Keep the replicas (target: what the rule would want), or change them. */
export type Verdict =
  | { kind: 'stay'; reason: HorizontalReason; target: number }
  | {
      kind: 'change';
      replicas: number;
      reason: HorizontalReason;
      target: number;
      stepLimit: number | undefined;
    };

const stay = (reason: HorizontalReason, target: number): Verdict => ({ kind: 'stay', reason, target });
const change = (replicas: number, reason: HorizontalReason, target: number, stepLimit?: number): Verdict => ({
  kind: 'change',
  replicas,
  reason,
  target,
  stepLimit,
});

/** min/max replicas always hold. */
export function replicaBounds(
  facts: Pick<HorizontalTerms, 'currentReplicas' | 'minReplicas' | 'maxReplicas'>,
): Verdict | undefined {
  if (facts.currentReplicas < facts.minReplicas)
    return change(facts.minReplicas, 'BelowMinimum', facts.minReplicas);
  if (facts.currentReplicas > facts.maxReplicas)
    return change(facts.maxReplicas, 'AboveMaximum', facts.maxReplicas);
  return undefined;
}

/**
 * Capped, with scaleUp.windowSeconds of capped time counted → max(N(scaleUpFill), ready + unmet); replicas not yet ready are
 * coming capacity; unschedulable pods (nodes not autoscaled) stop it; stabilization and step limits.
 */
export function scaleOut(
  config: Pick<HorizontalConfig, 'scaleUp'>,
  facts: Pick<
    HorizontalTerms,
    | 'currentReplicas'
    | 'maxReplicas'
    | 'neededForDemand'
    | 'neededForUnmet'
    | 'unschedulableReplicas'
    | 'nodesAutoscaled'
    | 'cappedSeconds'
    | 'sinceLastChangeSeconds'
  >,
): Verdict {
  const current = facts.currentReplicas;
  const target = Math.max(facts.neededForDemand, facts.neededForUnmet);
  if (target <= current) return stay('ReplicasComing', target);
  if (facts.unschedulableReplicas > 0 && !facts.nodesAutoscaled) return stay('Unschedulable', target);
  if (current >= facts.maxReplicas) return stay('AtMaximum', target);
  // The count is a sum of elapsed seconds: a rounding error must not cost a pass.
  if (facts.cappedSeconds < config.scaleUp.windowSeconds - 1e-6)
    return stay('CappedWaitingForWindow', target);
  if (stabilizing(facts.sinceLastChangeSeconds, config.scaleUp.stabilizationSeconds)) {
    return stay('Stabilizing', target);
  }
  const step = stepAllowance(config.scaleUp, current, 'up');
  return change(
    Math.min(facts.maxReplicas, target, current + step),
    'ScaleOut',
    target,
    finiteOrUndefined(step),
  );
}

/** Not capped, nodes not autoscaled: pods unschedulable for scaleUp.windowSeconds are removed. */
export function removeUnschedulable(
  config: Pick<HorizontalConfig, 'scaleUp'>,
  facts: Pick<
    HorizontalTerms,
    'currentReplicas' | 'minReplicas' | 'unschedulableReplicas' | 'nodesAutoscaled'
  > & {
    unschedulableForSeconds: number;
  },
): Verdict | undefined {
  const current = facts.currentReplicas;
  if (
    !facts.nodesAutoscaled &&
    facts.unschedulableReplicas > 0 &&
    facts.unschedulableForSeconds >= config.scaleUp.windowSeconds
  ) {
    const target = Math.max(facts.minReplicas, current - facts.unschedulableReplicas);
    if (target < current) return change(target, 'RemoveUnschedulable', target);
  }
  return undefined;
}

/**
 * The demand fits fewer replicas for scaleDown.windowSeconds → the most replicas needed in that
 * window, once every placed replica is ready; stabilization and step limits.
 */
export function scaleIn(
  config: Pick<HorizontalConfig, 'scaleDown'>,
  facts: Pick<
    HorizontalTerms,
    | 'currentReplicas'
    | 'readyReplicas'
    | 'minReplicas'
    | 'neededToFitFewer'
    | 'unschedulableReplicas'
    | 'nodesAutoscaled'
    | 'fitsFewerForSeconds'
    | 'sinceLastChangeSeconds'
  > & { fitsFewerMaxNeeded: number | undefined },
): Verdict {
  const current = facts.currentReplicas;
  const min = facts.minReplicas;
  const target = Math.max(min, facts.fitsFewerMaxNeeded ?? facts.neededToFitFewer);
  // Pods still starting are coming capacity; unschedulable ones (nodes not autoscaled) are not.
  const placed = facts.nodesAutoscaled ? current : current - facts.unschedulableReplicas;
  if (facts.readyReplicas < placed) return stay('ReplicasComing', target);
  if (facts.fitsFewerForSeconds < config.scaleDown.windowSeconds)
    return stay('FitsFewerWaitingForWindow', target);
  if (stabilizing(facts.sinceLastChangeSeconds, config.scaleDown.stabilizationSeconds)) {
    return stay('Stabilizing', target);
  }
  const step = stepAllowance(config.scaleDown, current, 'down');
  return change(Math.max(min, target, current - step), 'ScaleIn', target, finiteOrUndefined(step));
}
