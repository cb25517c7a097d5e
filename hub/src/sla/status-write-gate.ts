// When the hub writes an SLA's status (pure): only when it changed meaningfully (sla-status.ts
// statusNeedsWrite: a condition, a count, or a figure past its deadband), at most once per
// minIntervalMs; a condition that changed state goes out at once, but at most once per
// minIntervalMs too, so a flapping condition is coalesced. At most two writes per interval.
import type { Condition, ServiceLevelAgreementStatus } from '../../../lib/api/types.ts';
import { statusNeedsWrite } from './sla-status.ts';

export interface StatusWritePolicy {
  /** Least time between two status writes of one SLA (and between two condition-driven ones). */
  minIntervalMs: number;
  /** Relative change of a figure (response time, request rate) that is worth a write. */
  figureDeadband: number;
}

export const DEFAULT_STATUS_WRITE_POLICY: StatusWritePolicy = { minIntervalMs: 10_000, figureDeadband: 0.1 };

/** When this SLA's status was last written (attempted), ms. */
export interface StatusWriteTimes {
  lastWriteMs?: number;
  /** The last write sent at once because a condition changed state. */
  lastConditionWriteMs?: number;
}

export type StatusWriteDecision =
  | { write: true; conditionChange: boolean }
  | { write: false; why: 'unchanged' | 'coalescing' };

const conditionStates = (cs: Condition[] | undefined) =>
  JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason]).sort());

export function decideStatusWrite(
  written: ServiceLevelAgreementStatus | undefined,
  next: ServiceLevelAgreementStatus,
  times: StatusWriteTimes,
  nowMs: number,
  policy: StatusWritePolicy = DEFAULT_STATUS_WRITE_POLICY,
): StatusWriteDecision {
  if (!statusNeedsWrite(written, next, policy.figureDeadband)) return { write: false, why: 'unchanged' };
  // The first status of an SLA goes out at once and leaves the condition allowance unused.
  if (written === undefined) return { write: true, conditionChange: false };
  const since = (ms: number | undefined) => (ms === undefined ? Number.POSITIVE_INFINITY : nowMs - ms);
  const conditionChange =
    conditionStates(written.conditions) !== conditionStates(next.conditions) ||
    written.observedGeneration !== next.observedGeneration;
  if (conditionChange && since(times.lastConditionWriteMs) >= policy.minIntervalMs) {
    return { write: true, conditionChange: true };
  }
  if (since(times.lastWriteMs) >= policy.minIntervalMs) return { write: true, conditionChange: false };
  return { write: false, why: 'coalescing' };
}

/** The times after a write decided by decideStatusWrite at nowMs. */
export function afterStatusWrite(
  times: StatusWriteTimes,
  decision: { conditionChange: boolean },
  nowMs: number,
): StatusWriteTimes {
  return {
    lastWriteMs: nowMs,
    lastConditionWriteMs: decision.conditionChange ? nowMs : times.lastConditionWriteMs,
  };
}
