import { describe, expect, it } from 'vitest';
import { computeWeights, MAX_WEIGHT } from '../../../../hub/src/status/weights.ts';

const m = (o: Record<string, number>) => new Map(Object.entries(o));

describe('computeWeights', () => {
  it.each([
    { name: 'proportional to enacted CPU', cpu: { a: 1000, b: 500 }, want: { a: 256, b: 128 } },
    { name: 'equal pods get equal full weight', cpu: { a: 300, b: 300 }, want: { a: 256, b: 256 } },
    { name: 'floor keeps a tiny pod in rotation', cpu: { a: 4000, b: 10 }, want: { a: 256, b: 26 } },
    { name: 'no CPU known: everyone equal', cpu: { a: 0, b: 0 }, want: { a: 256, b: 256 } },
  ])('$name', (c) => {
    const { weights } = computeWeights(new Map(), m(c.cpu), { smoothing: 1, floorFraction: 0.1 });
    expect(Object.fromEntries(weights)).toEqual(c.want);
  });

  it('smooths a jump in enacted CPU with the EWMA and drops pods that left', () => {
    const first = computeWeights(new Map(), m({ a: 1000, b: 1000, gone: 1 }), {
      smoothing: 0.5,
      floorFraction: 0.1,
    });
    const second = computeWeights(first.state, m({ a: 1000, b: 200 }), {
      smoothing: 0.5,
      floorFraction: 0.1,
    });
    expect(second.state.get('b')).toBe(600);
    expect(Object.fromEntries(second.weights)).toEqual({ a: 256, b: 154 });
    expect(second.state.has('gone')).toBe(false);
  });

  it('always yields integers in 1..256', () => {
    const { weights } = computeWeights(new Map(), m({ a: 333, b: 777, c: 1 }));
    for (const w of weights.values()) {
      expect(Number.isInteger(w)).toBe(true);
      expect(w).toBeGreaterThanOrEqual(1);
      expect(w).toBeLessThanOrEqual(MAX_WEIGHT);
    }
  });
});
