import { describe, expect, it } from 'vitest';
import {
  arbitrationPolicyFromWire,
  arbitrationPolicyToWire,
  capReasonFromWire,
  capReasonToWire,
  resizeStateFromWire,
  resizeStateToWire,
} from '../../../../lib/grpc/wire-enums.ts';
import { ArbitrationPolicy } from '../../../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import { CapReason } from '../../../../proto/gen/kosmos/v1/CapReason.ts';
import { ResizeState } from '../../../../proto/gen/kosmos/v1/ResizeState.ts';

describe('cap reasons', () => {
  it.each([
    ['CAP_REASON_NONE', 'None'],
    ['CAP_REASON_SLA_BOUND', 'SLABound'],
    ['CAP_REASON_NODE_CONTENTION', 'NodeContention'],
    ['CAP_REASON_RESIZE_INFEASIBLE', 'ResizeInfeasible'],
    ['CAP_REASON_RESIZE_DEFERRED', 'ResizeDeferred'],
    ['CAP_REASON_MEMORY_UNSAFE_DECREASE', 'MemoryUnsafeDecrease'],
  ] as const)('%s ↔ %s', (wire, name) => {
    expect(capReasonFromWire(wire)).toBe(name);
    expect(capReasonToWire(name)).toBe(wire);
  });

  it.each(['CAP_REASON_UNSPECIFIED', 'CAP_REASON_FROM_A_NEWER_HUB', '', null, undefined])(
    '%j reads as None',
    (wire) => {
      expect(capReasonFromWire(wire)).toBe('None');
    },
  );

  it('has a name for every wire value but UNSPECIFIED, and no pod without a reason sends one', () => {
    const named = Object.values(CapReason).filter((w) => w !== 'CAP_REASON_UNSPECIFIED');
    expect(named.map((w) => capReasonToWire(capReasonFromWire(w)))).toEqual(named);
    expect(capReasonToWire(undefined)).toBe('CAP_REASON_NONE');
  });
});

describe('resize states', () => {
  it('maps every wire value but UNSPECIFIED both ways', () => {
    const named = Object.values(ResizeState).filter((w) => w !== 'RESIZE_STATE_UNSPECIFIED');
    expect(named.map((w) => resizeStateToWire(resizeStateFromWire(w)))).toEqual(named);
    expect(resizeStateFromWire('RESIZE_STATE_DEFERRED')).toBe('Deferred');
    expect(resizeStateToWire('InProgress')).toBe('RESIZE_STATE_IN_PROGRESS');
    expect(resizeStateFromWire('RESIZE_STATE_UNSPECIFIED')).toBe('None');
  });
});

describe('arbitration policies', () => {
  it.each([
    ['ARBITRATION_POLICY_PROPORTIONAL', 'proportional'],
    ['ARBITRATION_POLICY_MINIMUM_FIRST', 'minimum-first'],
  ] as const)('%s ↔ %s', (wire, name) => {
    expect(arbitrationPolicyFromWire(wire)).toBe(name);
    expect(arbitrationPolicyToWire(name)).toBe(wire);
  });

  it('an unspecified or unknown policy is proportional (KOSMOS)', () => {
    expect(arbitrationPolicyFromWire(ArbitrationPolicy.ARBITRATION_POLICY_UNSPECIFIED)).toBe('proportional');
    expect(arbitrationPolicyFromWire(undefined)).toBe('proportional');
  });
});
