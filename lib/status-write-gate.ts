// When a controller writes a status it keeps (pure), shared by the hub's SLA status and the agent's
// PodScale status. A status that did not change is never written. A condition that changed state
// (type/status/reason) goes out at once — coalesced with any change in the same conditionCoalesceMs —
// from a bucket of conditionBurst writes refilled one per conditionRefillMs, so a flapping condition
// costs at most one extra write per refill. Anything else (figures, messages, quantities) waits until
// minIntervalMs has passed since the last write: without transitions, ≤ 1 write per interval however
// noisy the figures.
import type { Condition } from './api/types.ts';

export interface StatusWritePolicy {
  /** Least time between two writes for figures and messages. */
  minIntervalMs: number;
  /** Time to refill one condition write into the bucket (a flapping condition's rate). */
  conditionRefillMs: number;
  /** Least time between two writes of any kind: changes within it are written together. */
  conditionCoalesceMs: number;
  /** Condition changes that may go out at once in a row before the refill rate applies. */
  conditionBurst: number;
}

/** What the gate remembers of one object's writes. */
export interface StatusWriteTimes {
  lastWriteMs?: number;
  /** Condition writes left in the bucket at `tokensAtMs` (full when undefined). */
  conditionTokens?: number;
  tokensAtMs?: number;
}

export type StatusWriteDecision =
  | { write: true; conditionChange: boolean }
  | { write: false; why: 'unchanged' | 'coalescing' };

/** What changed between the status written and the one computed now. */
export interface StatusChange {
  /** Nothing was written yet: the first status goes out at once and costs no condition write. */
  first: boolean;
  /** Anything worth a write changed. */
  changed: boolean;
  /** A condition changed state (or the status speaks of a new generation): goes out at once. */
  conditionChange: boolean;
}

/** The conditions' states (type, status, reason), order-free: what a transition changes. */
export const conditionStates = (cs: readonly Condition[] | undefined) =>
  JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason]).sort());

function tokensAt(times: StatusWriteTimes, nowMs: number, policy: StatusWritePolicy): number {
  if (times.conditionTokens === undefined || times.tokensAtMs === undefined) return policy.conditionBurst;
  const refilled = (nowMs - times.tokensAtMs) / policy.conditionRefillMs;
  return Math.min(policy.conditionBurst, times.conditionTokens + Math.max(0, refilled));
}

export function decideWrite(
  change: StatusChange,
  times: StatusWriteTimes,
  nowMs: number,
  policy: StatusWritePolicy,
): StatusWriteDecision {
  if (!change.changed) return { write: false, why: 'unchanged' };
  if (change.first) return { write: true, conditionChange: false };
  const sinceLastMs = times.lastWriteMs === undefined ? Number.POSITIVE_INFINITY : nowMs - times.lastWriteMs;
  if (sinceLastMs < Math.min(policy.conditionCoalesceMs, policy.minIntervalMs)) {
    return { write: false, why: 'coalescing' };
  }
  if (change.conditionChange && tokensAt(times, nowMs, policy) >= 1) {
    return { write: true, conditionChange: true };
  }
  if (sinceLastMs >= policy.minIntervalMs) return { write: true, conditionChange: false };
  return { write: false, why: 'coalescing' };
}

/** What the gate remembers after a write it allowed at nowMs. */
export function afterWrite(
  times: StatusWriteTimes,
  decision: { conditionChange: boolean },
  nowMs: number,
  policy: StatusWritePolicy,
): StatusWriteTimes {
  const tokens = tokensAt(times, nowMs, policy);
  return {
    lastWriteMs: nowMs,
    conditionTokens: decision.conditionChange ? tokens - 1 : tokens,
    tokensAtMs: nowMs,
  };
}
