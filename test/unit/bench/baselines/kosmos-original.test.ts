import { describe, expect, it } from 'vitest';
import {
  KosmosOriginalHorizontal,
  kosmosPiStep,
  type PiState,
  proportionalShare,
} from '../../../../bench/baselines/kosmos-original.ts';

const bounds = { minCpuMilli: 50, maxCpuMilli: 4000 };

describe('KOSMOS-original PI law (BC=40, DC=80, |e| ≤ 10, growth ≤ 1.5×)', () => {
  it.each([
    { name: 'RT on the SLO keeps the allocation', rt: 0.2, slo: 0.2, enacted: 1000, expected: 1000 },
    { name: 'RT twice the SLO adds DC·e = 80 × 2.5', rt: 0.4, slo: 0.2, enacted: 1000, expected: 1200 },
    { name: 'RT half the SLO removes 80 × 5', rt: 0.1, slo: 0.2, enacted: 1000, expected: 600 },
    { name: 'the error is clamped to +10', rt: 10, slo: 0.05, enacted: 2000, expected: 2800 },
    { name: 'growth is limited to 1.5× the enacted CPU', rt: 10, slo: 0.05, enacted: 1000, expected: 1500 },
    {
      name: 'an idle pod is driven down by the clamped error',
      rt: null,
      slo: 0.2,
      enacted: 1000,
      expected: 200,
    },
    { name: 'the result stays above the minimum', rt: 0.01, slo: 0.2, enacted: 100, expected: 50 },
    { name: 'the result stays below the maximum', rt: 1, slo: 0.1, enacted: 3900, expected: 4000 },
  ])('$name', ({ rt, slo, enacted, expected }) => {
    const state: PiState = { lastError: undefined };
    const out = kosmosPiStep(state, { rtSeconds: rt, sloSeconds: slo, enactedCpuMilli: enacted, ...bounds });
    expect(out.desiredCpuMilli).toBe(expected);
  });

  it('adds BC·(e − e_prev) when the error changes between steps', () => {
    const state: PiState = { lastError: undefined };
    kosmosPiStep(state, { rtSeconds: 0.25, sloSeconds: 0.2, enactedCpuMilli: 1000, ...bounds }); // e = 1
    const out = kosmosPiStep(state, { rtSeconds: 0.4, sloSeconds: 0.2, enactedCpuMilli: 1000, ...bounds }); // e = 2.5
    expect(out.error).toBeCloseTo(2.5, 12);
    expect(out.desiredCpuMilli).toBe(1000 + 40 * 1.5 + 80 * 2.5);
  });

  it('starts from the enacted CPU, not from its own last output (anti-windup)', () => {
    const state: PiState = { lastError: undefined };
    kosmosPiStep(state, { rtSeconds: 0.4, sloSeconds: 0.2, enactedCpuMilli: 1000, ...bounds });
    const out = kosmosPiStep(state, { rtSeconds: 0.4, sloSeconds: 0.2, enactedCpuMilli: 500, ...bounds });
    expect(out.desiredCpuMilli).toBe(700);
  });
});

describe('proportional contention', () => {
  it('scales 50m and 150m into 100m as 25m and 75m (the seed example)', () => {
    expect(proportionalShare(100, [50, 150])).toEqual([25, 75]);
  });

  it('grants everything when the sum fits', () => {
    expect(proportionalShare(1000, [300, 500])).toEqual([300, 500]);
  });
});

describe('KOSMOS-original replica heuristic (15 s / 30 s / 150 s, 80 % of node requests)', () => {
  const base = { minReplicas: 1, maxReplicas: 10 };

  it('adds one replica after requests stay above 80 % for 30 s', () => {
    const h = new KosmosOriginalHorizontal();
    expect(h.decide({ ...base, nowSeconds: 0, replicas: 2, requestedFraction: 0.9 })).toBe(2);
    expect(h.decide({ ...base, nowSeconds: 15, replicas: 2, requestedFraction: 0.95 })).toBe(2);
    expect(h.decide({ ...base, nowSeconds: 30, replicas: 2, requestedFraction: 0.95 })).toBe(3);
    expect(h.decide({ ...base, nowSeconds: 45, replicas: 3, requestedFraction: 0.95 })).toBe(3);
  });

  it('restarts the scale-out clock when requests dip below 80 %', () => {
    const h = new KosmosOriginalHorizontal();
    h.decide({ ...base, nowSeconds: 0, replicas: 2, requestedFraction: 0.9 });
    h.decide({ ...base, nowSeconds: 15, replicas: 2, requestedFraction: 0.7 });
    expect(h.decide({ ...base, nowSeconds: 30, replicas: 2, requestedFraction: 0.9 })).toBe(2);
  });

  it('removes one replica after requests stay below 80 %·(n−1)/n for 150 s', () => {
    const h = new KosmosOriginalHorizontal();
    for (let t = 0; t < 150; t += 15) {
      expect(h.decide({ ...base, nowSeconds: t, replicas: 4, requestedFraction: 0.5 })).toBe(4);
    }
    expect(h.decide({ ...base, nowSeconds: 150, replicas: 4, requestedFraction: 0.5 })).toBe(3);
  });

  it('does not scale in when the remaining pods would cross the threshold', () => {
    const h = new KosmosOriginalHorizontal();
    for (let t = 0; t <= 300; t += 15) {
      expect(h.decide({ ...base, nowSeconds: t, replicas: 2, requestedFraction: 0.5 })).toBe(2);
    }
  });

  it('respects max replicas', () => {
    const h = new KosmosOriginalHorizontal();
    h.decide({ ...base, nowSeconds: 0, replicas: 10, requestedFraction: 0.99 });
    expect(h.decide({ ...base, nowSeconds: 30, replicas: 10, requestedFraction: 0.99 })).toBe(10);
  });
});
