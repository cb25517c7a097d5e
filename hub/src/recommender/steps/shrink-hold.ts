// Step 5b of the default law: directional hysteresis. A growth passes at once; a lower target is
// taken only down to the highest target of the last shrinkHoldSeconds of evidence (the lower level
// that has held that long), and not at all while the aimed-at response time is missed. A noisy load
// then moves a pod up when it must and down about once per hold, instead of every window (each move
// costs a PodScale write, a resize and a status write, and a move undone is a flap).
import type { CpuRule, HeldTarget, KosmosTuning } from '../types.ts';
import type { HiddenDemandTarget } from './hidden-demand.ts';
import type { OperatingPoint } from './window.ts';

export interface ShrinkHeld {
  rule: CpuRule;
  targetCpuMilli: number;
  /** The floor the hold kept the target at (undefined: no shrink was held back), millicores. */
  heldAtCpuMilli: number | undefined;
  /**
   * The targets still inside the hold, oldest first, each lower than every older one (only those can
   * become the highest once older ones age out): a handful per pod, whatever the period.
   */
  recentTargets: HeldTarget[];
}

/**
 * `remember` is what this window says the load needs, for later windows' floors: the target itself,
 * except that a one-off backlog drain (hidden demand) is remembered at its feed-forward level.
 */
export function holdShrink(
  tuning: Pick<KosmosTuning, 'shrinkHoldSeconds'>,
  window: Pick<OperatingPoint, 'enactedCpuMilli' | 'periodSeconds' | 'violating'>,
  recent: readonly HeldTarget[] | undefined,
  target: Pick<HiddenDemandTarget, 'rule' | 'targetCpuMilli'>,
  remember: number,
): ShrinkHeld {
  const holdSeconds = tuning.shrinkHoldSeconds;
  const elapsed = Math.max(0, window.periodSeconds);
  const aged: HeldTarget[] = [];
  let highest = 0;
  if (recent) {
    for (const h of recent) {
      const ageSeconds = h.ageSeconds + elapsed;
      if (ageSeconds < holdSeconds) {
        aged.push({ ageSeconds, cpuMilli: h.cpuMilli });
        highest = Math.max(highest, h.cpuMilli);
      }
    }
  }
  while (aged.length > 0 && (aged[aged.length - 1] as HeldTarget).cpuMilli <= remember) aged.pop();
  // aged is this call's own array: the new target is appended to it
  if (holdSeconds > 0) aged.push({ ageSeconds: 0, cpuMilli: remember });
  const recentTargets = holdSeconds > 0 ? aged : [];
  const enacted = window.enactedCpuMilli;
  const wanted = target.targetCpuMilli;
  const floor = window.violating ? enacted : Math.min(enacted, Math.max(highest, remember));
  if (wanted >= enacted || floor <= wanted) {
    return { rule: target.rule, targetCpuMilli: wanted, heldAtCpuMilli: undefined, recentTargets };
  }
  return { rule: 'shrink-hold', targetCpuMilli: floor, heldAtCpuMilli: floor, recentTargets };
}
