import { describe, expect, it } from 'vitest';
import { burstCapacities } from '../../../../sim/discrete/burst.ts';

describe('Burstable pods on a node', () => {
  it('run up to their limit when what the pods want fits the node', () => {
    const caps = burstCapacities(
      [
        { requestCores: 0.5, limitCores: 2, wantCores: 1.5 },
        { requestCores: 1, limitCores: 1, wantCores: 0.2 },
      ],
      4,
    );
    expect(caps).toEqual([2, 1]);
  });

  it('share a contended node in proportion to requests, each at least its request share', () => {
    // Wants 3 + 3 + 0.5 (Guaranteed) on 4 cores: the Guaranteed pod takes its 0.5; the two Burstable
    // pods split the other 3.5 by their requests (1 : 0.75).
    const caps = burstCapacities(
      [
        { requestCores: 1, limitCores: 3, wantCores: 3 },
        { requestCores: 0.75, limitCores: 3, wantCores: 3 },
        { requestCores: 0.5, limitCores: 0.5, wantCores: 0.5 },
      ],
      4,
    );
    expect(caps[0]).toBeCloseTo(2, 9);
    expect(caps[1]).toBeCloseTo(1.5, 9);
    expect(caps[2]).toBeCloseTo(0.5, 9);
  });

  it('gives what one pod leaves to the others', () => {
    const caps = burstCapacities(
      [
        { requestCores: 1, limitCores: 4, wantCores: 0.2 },
        { requestCores: 1, limitCores: 4, wantCores: 4 },
      ],
      3,
    );
    expect(caps[0]).toBeCloseTo(1, 9);
    expect(caps[1]).toBeCloseTo(2, 9);
  });
});
