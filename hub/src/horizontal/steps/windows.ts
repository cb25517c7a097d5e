// Step 3 of the horizontal decision: how much capped time counts toward scaling out (capped time
// accumulates, uncapped time drains it), how long the demand has fitted fewer replicas (scale in,
// with the most replicas needed meanwhile), and the time since the last change (stabilization).
import type { HorizontalState } from '../types.ts';

export interface ConditionWindows {
  /** Capped seconds counted toward the scale-up window, in [0, windowSeconds]. */
  cappedSeconds: number;
  /** Not capped and fewer replicas than now would do. */
  fitsFewer: boolean;
  fitsFewerSinceSeconds: number | undefined;
  fitsFewerMaxNeeded: number | undefined;
  sinceLastChangeSeconds: number | undefined;
}

/** How capped time counts toward scaling out. */
export interface CappedCountRule {
  /** The count scales out at this many seconds, and never holds more. */
  windowSeconds: number;
  /** Counted seconds one uncapped second takes back. */
  drainRate: number;
}

export function conditionWindows(
  state: Pick<
    HorizontalState,
    | 'cappedSeconds'
    | 'cappedSeenSeconds'
    | 'cappedWhenSeen'
    | 'fitsFewerSinceSeconds'
    | 'fitsFewerMaxNeeded'
    | 'lastChangeSeconds'
  >,
  now: number,
  rule: CappedCountRule,
  seen: { capped: boolean; neededToFitFewer: number; currentReplicas: number },
): ConditionWindows {
  const fitsFewer = !seen.capped && seen.neededToFitFewer < seen.currentReplicas;
  return {
    cappedSeconds: cappedCount(rule, state, now, seen.capped),
    fitsFewer,
    fitsFewerSinceSeconds: fitsFewer ? (state.fitsFewerSinceSeconds ?? now) : undefined,
    fitsFewerMaxNeeded: fitsFewer
      ? Math.max(state.fitsFewerMaxNeeded ?? seen.neededToFitFewer, seen.neededToFitFewer)
      : undefined,
    sinceLastChangeSeconds: state.lastChangeSeconds === undefined ? undefined : now - state.lastChangeSeconds,
  };
}

/**
 * The capped count after the seconds since the last pass: each second counts by its share of
 * capped ends (both passes capped: 1, one of them: ½, none: 0); its capped share adds, its uncapped
 * share drains drainRate times as much; the count stays within [0, windowSeconds]. Held without a
 * break it reaches the window in windowSeconds, as an uninterrupted run would; a service capped for
 * a share f of the time keeps gaining while f > drainRate / (1 + drainRate), whatever the
 * crossings; one capped pass among uncapped ones counts at most half the time around it.
 */
export function cappedCount(
  rule: CappedCountRule,
  state: Pick<HorizontalState, 'cappedSeconds' | 'cappedSeenSeconds' | 'cappedWhenSeen'>,
  now: number,
  capped: boolean,
): number {
  const last = state.cappedSeenSeconds;
  if (last === undefined) return 0;
  const elapsed = Math.max(0, now - last);
  const share = ((state.cappedWhenSeen === true ? 1 : 0) + (capped ? 1 : 0)) / 2;
  const count = (state.cappedSeconds ?? 0) + elapsed * (share - rule.drainRate * (1 - share));
  return Math.min(Math.max(0, rule.windowSeconds), Math.max(0, count));
}

/** Stabilizing: a change happened less than the rule's stabilization ago. */
export function stabilizing(
  sinceLastChangeSeconds: number | undefined,
  stabilizationSeconds: number,
): boolean {
  return sinceLastChangeSeconds !== undefined && sinceLastChangeSeconds < stabilizationSeconds;
}
