// Step limits of the horizontal decision: how many replicas one change may add or remove.
import type { HorizontalRuleConfig } from '../types.ts';

/** Replicas one change may add/remove: the larger of the two limits (HPA selectPolicy Max); 0 = unbounded. */
export function stepAllowance(rule: HorizontalRuleConfig, current: number, direction: 'up' | 'down'): number {
  const byCount = rule.maxStepReplicas > 0 ? rule.maxStepReplicas : undefined;
  const byPercent =
    rule.maxStepPercent > 0
      ? Math.max(
          1,
          direction === 'up'
            ? Math.ceil((current * rule.maxStepPercent) / 100)
            : Math.floor((current * rule.maxStepPercent) / 100),
        )
      : undefined;
  if (byCount === undefined && byPercent === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(byCount ?? 0, byPercent ?? 0);
}

/** A step allowance for the log: undefined when unbounded. */
export function finiteOrUndefined(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}
