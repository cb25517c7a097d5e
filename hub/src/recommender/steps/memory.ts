// Step 7 of the default law, memory sizing: the working set's running peak plus room for in-flight growth,
// a bump after an OOM kill, and decreases that are slow, only on a stable working set, never below the peak.
import type { KosmosTuning, MemoryRule, PodSignal, RecommenderState } from '../types.ts';

export interface MemoryRecommendation {
  /** Before SLA bounds, rounded up to the granularity. */
  unboundedMemoryBytes: number;
  rule: MemoryRule;
  /** State fields the memory law owns. */
  state: Pick<
    RecommenderState,
    'previousWorkingSetBytes' | 'workingSetStableSteps' | 'stepsSinceOom' | 'peakWorkingSetBytes'
  >;
}

/**
 * need = peak·(1 + margin) + floor, peak = max(workingSet, previous peak·(1 − memoryPeakDecay)).
 * - OOM kill: max(need, enacted·(1 + oomBumpFraction), enacted + oomBumpBytes).
 * - need > enacted: grow to need at once.
 * - need < enacted·(1 − deadband): shrink toward need by at most maxMemoryDecreaseFraction (half) per
 *   step, only after the working set moved < memoryStableFraction for memoryStableSteps steps and
 *   not within memoryHoldStepsAfterOom steps of an OOM kill; never below need.
 * - unreadable usage (or no working set yet): hold.
 */
export function recommendMemory(
  tuning: KosmosTuning,
  state: RecommenderState,
  signal: PodSignal,
): MemoryRecommendation {
  const enacted = signal.enactedMemoryBytes;
  const workingSet = signal.memoryWorkingSetBytes;
  const usable = signal.usageValid !== false && workingSet > 0;
  const stepsSinceOom = signal.oomKilled
    ? 0
    : state.stepsSinceOom === undefined
      ? undefined
      : state.stepsSinceOom + 1;
  if (!usable) {
    return {
      unboundedMemoryBytes: enacted,
      rule: 'hold',
      state: {
        previousWorkingSetBytes: state.previousWorkingSetBytes,
        workingSetStableSteps: 0,
        stepsSinceOom,
        peakWorkingSetBytes: state.peakWorkingSetBytes,
      },
    };
  }
  const previous = state.previousWorkingSetBytes;
  const stable =
    previous !== undefined && Math.abs(workingSet - previous) <= tuning.memoryStableFraction * previous;
  const workingSetStableSteps = stable ? state.workingSetStableSteps + 1 : 0;
  // A restart empties the pod: the peak before an OOM kill is what it must hold next time.
  const peak = Math.max(workingSet, (state.peakWorkingSetBytes ?? 0) * (1 - tuning.memoryPeakDecay));
  const nextState = {
    previousWorkingSetBytes: workingSet,
    workingSetStableSteps,
    stepsSinceOom,
    peakWorkingSetBytes: peak,
  };
  const need = peak * (1 + tuning.memoryMargin) + tuning.memoryFloorBytes;
  const roundUp = (bytes: number): number =>
    Math.ceil(bytes / tuning.memoryGranularityBytes) * tuning.memoryGranularityBytes;

  if (signal.oomKilled) {
    const bump = Math.max(enacted * (1 + tuning.oomBumpFraction), enacted + tuning.oomBumpBytes);
    return { unboundedMemoryBytes: roundUp(Math.max(need, bump)), rule: 'oom-bump', state: nextState };
  }
  if (need > enacted) {
    return { unboundedMemoryBytes: roundUp(need), rule: 'working-set', state: nextState };
  }
  const worthShrinking = need < enacted * (1 - tuning.deadbandFraction);
  const recentOom = stepsSinceOom !== undefined && stepsSinceOom < tuning.memoryHoldStepsAfterOom;
  if (!worthShrinking) {
    return { unboundedMemoryBytes: enacted, rule: 'hold', state: nextState };
  }
  if (recentOom || workingSetStableSteps < tuning.memoryStableSteps) {
    return { unboundedMemoryBytes: enacted, rule: 'unstable-hold', state: nextState };
  }
  const floor = enacted * (1 - tuning.maxMemoryDecreaseFraction);
  if (floor > need) {
    return { unboundedMemoryBytes: roundUp(floor), rule: 'decrease-limited', state: nextState };
  }
  return { unboundedMemoryBytes: roundUp(need), rule: 'working-set', state: nextState };
}
