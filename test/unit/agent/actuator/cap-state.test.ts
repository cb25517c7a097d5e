import { describe, expect, it } from 'vitest';
import { type CapInput, decideCap } from '../../../../agent/src/actuator/cap-state.ts';

/** A pod granted what it desired, no memory held back, no resize pending; `over` changes that. */
function input(over: Partial<CapInput>): CapInput {
  return {
    desired: { cpuMilli: 500, memoryBytes: 100 },
    granted: { cpuMilli: 500, memoryBytes: 100 },
    grantReason: 'None',
    memoryHeldBytes: undefined,
    resize: { state: 'None', message: '' },
    enacted: undefined,
    ...over,
  };
}

describe('decideCap', () => {
  it('reports node contention with the granted ceiling for the capped resource only', () => {
    expect(
      decideCap(
        input({
          desired: { cpuMilli: 3000, memoryBytes: 100 },
          granted: { cpuMilli: 1800, memoryBytes: 100 },
          grantReason: 'NodeContention',
          enacted: { cpuMilli: 1800, memoryBytes: 100 },
        }),
      ),
    ).toMatchObject({ capped: { cpuMilli: 1800, memoryBytes: 0 }, reason: 'NodeContention' });
  });

  it.each(['Infeasible', 'Deferred'] as const)(
    'reports a %s resize as capped at what is enacted',
    (state) => {
      const cap = decideCap(
        input({
          desired: { cpuMilli: 2500, memoryBytes: 0 },
          granted: { cpuMilli: 2500, memoryBytes: 0 },
          resize: { state, message: 'no room' },
          enacted: { cpuMilli: 1800, memoryBytes: 64 },
        }),
      );
      expect(cap).toEqual({
        capped: { cpuMilli: 1800, memoryBytes: 64 },
        reason: `Resize${state}`,
        message: 'no room',
      });
    },
  );

  it('reports an unsafe memory decrease that was held back', () => {
    expect(decideCap(input({ memoryHeldBytes: 300 }))).toMatchObject({
      capped: { cpuMilli: 0, memoryBytes: 300 },
      reason: 'MemoryUnsafeDecrease',
    });
  });

  it('is not capped when the grant is the desire and the kubelet applied it', () => {
    expect(decideCap(input({ enacted: { cpuMilli: 500, memoryBytes: 100 } }))).toBeUndefined();
  });
});
