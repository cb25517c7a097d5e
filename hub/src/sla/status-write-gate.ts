// When the hub writes an SLA's status (pure): the shared gate (lib/status-write-gate.ts) on what
// sla-status.ts statusNeedsWrite calls a meaningful change (a condition, a count, or a figure past its
// deadband). Figures and messages go out at most once per minIntervalMs (a minute: the live figures
// are the hub's metrics and status endpoint); a condition that changed state, or a new generation, at
// once, from a bucket of conditionBurst refilled one per 10 s.
import type { ServiceLevelAgreementStatus } from '../../../lib/api/types.ts';
import {
  afterWrite,
  conditionStates,
  decideWrite,
  type StatusWritePolicy as GatePolicy,
  type StatusWriteDecision,
  type StatusWriteTimes,
} from '../../../lib/status-write-gate.ts';
import { statusNeedsWrite } from './sla-status.ts';

export type { StatusWriteDecision, StatusWriteTimes };

export interface StatusWritePolicy extends GatePolicy {
  /** Relative change of a figure (response time, request rate) that is worth a write. */
  figureDeadband: number;
}

export const DEFAULT_STATUS_WRITE_POLICY: StatusWritePolicy = {
  minIntervalMs: 60_000,
  conditionRefillMs: 10_000,
  conditionCoalesceMs: 1000,
  conditionBurst: 10,
  figureDeadband: 0.1,
};

export function decideStatusWrite(
  written: ServiceLevelAgreementStatus | undefined,
  next: ServiceLevelAgreementStatus,
  times: StatusWriteTimes,
  nowMs: number,
  policy: StatusWritePolicy = DEFAULT_STATUS_WRITE_POLICY,
): StatusWriteDecision {
  return decideWrite(
    {
      first: written === undefined,
      changed: statusNeedsWrite(written, next, policy.figureDeadband),
      conditionChange:
        conditionStates(written?.conditions) !== conditionStates(next.conditions) ||
        written?.observedGeneration !== next.observedGeneration,
    },
    times,
    nowMs,
    policy,
  );
}

/** What the gate remembers after a write it allowed at nowMs. */
export function afterStatusWrite(
  times: StatusWriteTimes,
  decision: { conditionChange: boolean },
  nowMs: number,
  policy: StatusWritePolicy = DEFAULT_STATUS_WRITE_POLICY,
): StatusWriteTimes {
  return afterWrite(times, decision, nowMs, policy);
}
