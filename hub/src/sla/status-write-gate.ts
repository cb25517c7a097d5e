// When the hub writes an SLA's status (pure). Only when it changed meaningfully (sla-status.ts
// statusNeedsWrite: a condition, a count, or a figure past its deadband). Figures and messages go
// out at most once per minIntervalMs. A condition that changed state (type/status/reason, or a new
// generation) goes out at once — coalesced with any change in the same conditionCoalesceMs — from
// a bucket of conditionBurst writes refilled one per minIntervalMs, so a flapping condition costs
// at most one extra write per interval: in steady state ≤ 2 writes per interval, however noisy.
import type { Condition, ServiceLevelAgreementStatus } from '../../../lib/api/types.ts';
import { statusNeedsWrite } from './sla-status.ts';

export interface StatusWritePolicy {
  /** Least time between two writes for figures and messages; also the condition bucket's refill time. */
  minIntervalMs: number;
  /** Least time between two writes of any kind: changes within it are written together. */
  conditionCoalesceMs: number;
  /** Condition changes that may go out at once in a row before the refill rate applies. */
  conditionBurst: number;
  /** Relative change of a figure (response time, request rate) that is worth a write. */
  figureDeadband: number;
}

export const DEFAULT_STATUS_WRITE_POLICY: StatusWritePolicy = {
  minIntervalMs: 10_000,
  conditionCoalesceMs: 1000,
  conditionBurst: 10,
  figureDeadband: 0.1,
};

/** What the gate remembers of one SLA's writes. */
export interface StatusWriteTimes {
  lastWriteMs?: number;
  /** Condition writes left in the bucket at `tokensAtMs` (full when undefined). */
  conditionTokens?: number;
  tokensAtMs?: number;
}

export type StatusWriteDecision =
  | { write: true; conditionChange: boolean }
  | { write: false; why: 'unchanged' | 'coalescing' };

const conditionStates = (cs: Condition[] | undefined) =>
  JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason]).sort());

function tokensAt(times: StatusWriteTimes, nowMs: number, policy: StatusWritePolicy): number {
  if (times.conditionTokens === undefined || times.tokensAtMs === undefined) return policy.conditionBurst;
  const refilled = (nowMs - times.tokensAtMs) / policy.minIntervalMs;
  return Math.min(policy.conditionBurst, times.conditionTokens + Math.max(0, refilled));
}

export function decideStatusWrite(
  written: ServiceLevelAgreementStatus | undefined,
  next: ServiceLevelAgreementStatus,
  times: StatusWriteTimes,
  nowMs: number,
  policy: StatusWritePolicy = DEFAULT_STATUS_WRITE_POLICY,
): StatusWriteDecision {
  if (!statusNeedsWrite(written, next, policy.figureDeadband)) return { write: false, why: 'unchanged' };
  // The first status of an SLA goes out at once and costs no condition write.
  if (written === undefined) return { write: true, conditionChange: false };
  const sinceLastMs = times.lastWriteMs === undefined ? Number.POSITIVE_INFINITY : nowMs - times.lastWriteMs;
  if (sinceLastMs < Math.min(policy.conditionCoalesceMs, policy.minIntervalMs)) {
    return { write: false, why: 'coalescing' };
  }
  const conditionChange =
    conditionStates(written.conditions) !== conditionStates(next.conditions) ||
    written.observedGeneration !== next.observedGeneration;
  if (conditionChange && tokensAt(times, nowMs, policy) >= 1) return { write: true, conditionChange: true };
  if (sinceLastMs >= policy.minIntervalMs) return { write: true, conditionChange: false };
  return { write: false, why: 'coalescing' };
}

/** What the gate remembers after a write it allowed at nowMs. */
export function afterStatusWrite(
  times: StatusWriteTimes,
  decision: { conditionChange: boolean },
  nowMs: number,
  policy: StatusWritePolicy = DEFAULT_STATUS_WRITE_POLICY,
): StatusWriteTimes {
  const tokens = tokensAt(times, nowMs, policy);
  return {
    lastWriteMs: nowMs,
    conditionTokens: decision.conditionChange ? tokens - 1 : tokens,
    tokensAtMs: nowMs,
  };
}
