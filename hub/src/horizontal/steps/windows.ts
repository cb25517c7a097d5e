// Step 3 of the horizontal decision: how long each condition has held — capped (scale out), the
// demand fitting fewer replicas (scale in, with the most replicas needed meanwhile) — and the time
// since the last change (stabilization).
import type { HorizontalState } from '../types.ts';

export interface ConditionWindows {
  cappedSinceSeconds: number | undefined;
  /** Not capped and fewer replicas than now would do. */
  fitsFewer: boolean;
  fitsFewerSinceSeconds: number | undefined;
  fitsFewerMaxNeeded: number | undefined;
  sinceLastChangeSeconds: number | undefined;
}

export function conditionWindows(
  state: Pick<
    HorizontalState,
    'cappedSinceSeconds' | 'fitsFewerSinceSeconds' | 'fitsFewerMaxNeeded' | 'lastChangeSeconds'
  >,
  now: number,
  seen: { capped: boolean; neededToFitFewer: number; currentReplicas: number },
): ConditionWindows {
  const fitsFewer = !seen.capped && seen.neededToFitFewer < seen.currentReplicas;
  return {
    cappedSinceSeconds: seen.capped ? (state.cappedSinceSeconds ?? now) : undefined,
    fitsFewer,
    fitsFewerSinceSeconds: fitsFewer ? (state.fitsFewerSinceSeconds ?? now) : undefined,
    fitsFewerMaxNeeded: fitsFewer
      ? Math.max(state.fitsFewerMaxNeeded ?? seen.neededToFitFewer, seen.neededToFitFewer)
      : undefined,
    sinceLastChangeSeconds: state.lastChangeSeconds === undefined ? undefined : now - state.lastChangeSeconds,
  };
}

/** Stabilizing: a change happened less than the rule's stabilization ago. */
export function stabilizing(
  sinceLastChangeSeconds: number | undefined,
  stabilizationSeconds: number,
): boolean {
  return sinceLastChangeSeconds !== undefined && sinceLastChangeSeconds < stabilizationSeconds;
}
