// The one table between the wire's enums (kosmos.v1) and the domain names the code, the CRDs and
// the logs use. Unknown or UNSPECIFIED wire values read as the default (None / proportional).
import type {
  ArbitrationPolicy,
  ArbitrationPolicy__Output,
} from '../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { CapReason, CapReason__Output } from '../../proto/gen/kosmos/v1/CapReason.ts';
import type { ResizeState, ResizeState__Output } from '../../proto/gen/kosmos/v1/ResizeState.ts';
import type { ArbitrationPolicyName, CapReasonName, ResizeStateName } from '../api/types.ts';

const CAP_REASON: Record<CapReasonName | 'None', CapReason__Output> = {
  None: 'CAP_REASON_NONE',
  SLABound: 'CAP_REASON_SLA_BOUND',
  NodeContention: 'CAP_REASON_NODE_CONTENTION',
  ResizeInfeasible: 'CAP_REASON_RESIZE_INFEASIBLE',
  ResizeDeferred: 'CAP_REASON_RESIZE_DEFERRED',
  MemoryUnsafeDecrease: 'CAP_REASON_MEMORY_UNSAFE_DECREASE',
};

const RESIZE_STATE: Record<ResizeStateName, ResizeState__Output> = {
  None: 'RESIZE_STATE_NONE',
  InProgress: 'RESIZE_STATE_IN_PROGRESS',
  Deferred: 'RESIZE_STATE_DEFERRED',
  Infeasible: 'RESIZE_STATE_INFEASIBLE',
  Error: 'RESIZE_STATE_ERROR',
};

const ARBITRATION_POLICY: Record<ArbitrationPolicyName, ArbitrationPolicy__Output> = {
  proportional: 'ARBITRATION_POLICY_PROPORTIONAL',
  'minimum-first': 'ARBITRATION_POLICY_MINIMUM_FIRST',
};

/** Reverse of a table: wire value → domain name. */
function inverse<N extends string, W extends string>(table: Record<N, W>): ReadonlyMap<string, N> {
  return new Map(Object.entries<W>(table).map(([name, wire]) => [wire, name as N]));
}
const CAP_REASON_NAME = inverse(CAP_REASON);
const RESIZE_STATE_NAME = inverse(RESIZE_STATE);
const ARBITRATION_POLICY_NAME = inverse(ARBITRATION_POLICY);

export function capReasonToWire(reason: CapReasonName | 'None' | undefined): CapReason__Output {
  return CAP_REASON[reason ?? 'None'];
}

export function capReasonFromWire(reason: CapReason | string | null | undefined): CapReasonName | 'None' {
  return CAP_REASON_NAME.get(String(reason)) ?? 'None';
}

export function resizeStateToWire(state: ResizeStateName): ResizeState__Output {
  return RESIZE_STATE[state];
}

export function resizeStateFromWire(state: ResizeState | string | null | undefined): ResizeStateName {
  return RESIZE_STATE_NAME.get(String(state)) ?? 'None';
}

export function arbitrationPolicyToWire(policy: ArbitrationPolicyName): ArbitrationPolicy__Output {
  return ARBITRATION_POLICY[policy];
}

export function arbitrationPolicyFromWire(
  policy: ArbitrationPolicy | string | null | undefined,
): ArbitrationPolicyName {
  return ARBITRATION_POLICY_NAME.get(String(policy)) ?? 'proportional';
}
