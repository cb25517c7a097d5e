import { describe, expect, it } from 'vitest';
import { decideCap } from '../../../../agent/src/actuator/cap-state.ts';

const none = { state: 'None' as const, message: '' };

describe('decideCap', () => {
  it('reports node contention with the granted ceiling for the capped resource only', () => {
    expect(
      decideCap({
        desired: { cpuMilli: 3000, memoryBytes: 100 },
        granted: { cpuMilli: 1800, memoryBytes: 100 },
        grantReason: 'NodeContention',
        memoryHeldBytes: undefined,
        resize: none,
        enacted: { cpuMilli: 1800, memoryBytes: 100 },
      }),
    ).toMatchObject({ capped: { cpuMilli: 1800, memoryBytes: 0 }, reason: 'NodeContention' });
  });

  it.each(['Infeasible', 'Deferred'] as const)(
    'reports a %s resize as capped at what is enacted',
    (state) => {
      const cap = decideCap({
        desired: { cpuMilli: 2500, memoryBytes: 0 },
        granted: { cpuMilli: 2500, memoryBytes: 0 },
        grantReason: 'None',
        memoryHeldBytes: undefined,
        resize: { state, message: 'no room' },
        enacted: { cpuMilli: 1800, memoryBytes: 64 },
      });
      expect(cap).toEqual({
        capped: { cpuMilli: 1800, memoryBytes: 64 },
        reason: `Resize${state}`,
        message: 'no room',
      });
    },
  );

  it('reports an unsafe memory decrease that was held back', () => {
    expect(
      decideCap({
        desired: { cpuMilli: 500, memoryBytes: 100 },
        granted: { cpuMilli: 500, memoryBytes: 100 },
        grantReason: 'None',
        memoryHeldBytes: 300,
        resize: none,
        enacted: undefined,
      }),
    ).toMatchObject({ capped: { cpuMilli: 0, memoryBytes: 300 }, reason: 'MemoryUnsafeDecrease' });
  });

  it('is not capped when the grant is the desire and the kubelet applied it', () => {
    expect(
      decideCap({
        desired: { cpuMilli: 500, memoryBytes: 100 },
        granted: { cpuMilli: 500, memoryBytes: 100 },
        grantReason: 'None',
        memoryHeldBytes: undefined,
        resize: none,
        enacted: { cpuMilli: 500, memoryBytes: 100 },
      }),
    ).toBeUndefined();
  });
});
