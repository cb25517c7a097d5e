import { describe, expect, it } from 'vitest';
import {
  bestAtCores,
  cheapestAtViolation,
  compareFronts,
  type FrontPoint,
  paretoFront,
} from '../../../../bench/quality/pareto.ts';

const p = (name: string, coreSeconds: number, violationPct: number): FrontPoint => ({
  name,
  coreSeconds,
  violationPct,
});

describe('Pareto fronts of violation vs cores', () => {
  it('keeps the points nothing beats on both, cheapest first', () => {
    const points = [p('a', 10, 5), p('b', 12, 6), p('c', 8, 9), p('d', 20, 1), p('e', 20, 2), p('f', 8, 9.5)];
    expect(paretoFront(points).map((x) => x.name)).toEqual(['c', 'a', 'd']);
  });

  it('drops a point equal on cores and worse on violation, and non-finite points', () => {
    expect(paretoFront([p('a', 10, 5), p('b', 10, 4), p('n', Number.NaN, 0)]).map((x) => x.name)).toEqual([
      'b',
    ]);
  });

  it('reads the cheapest point at a violation level and the best point at a cost, measured points only', () => {
    const front = [p('a', 10, 5), p('b', 14, 2), p('c', 20, 0.5)];
    expect(cheapestAtViolation(front, 2)?.name).toBe('b');
    expect(cheapestAtViolation(front, 0.1)).toBeUndefined();
    expect(bestAtCores(front, 15)?.name).toBe('b');
    expect(bestAtCores(front, 9)).toBeUndefined();
  });

  it('meets the goal against a point by a fifth of its violation at no more cores, or 0.8× its cores at no more violation', () => {
    const hpa = [p('h1', 100, 10), p('h2', 200, 2), p('h3', 300, 0)];
    const ours = [p('k1', 100, 2), p('k2', 160, 2)];
    const [c1, c2, c3] = compareFronts(ours, hpa);
    expect(c1).toMatchObject({ met: true, atItsCores: { point: { name: 'k1' }, violationRatio: 0.2 } });
    expect(c2).toMatchObject({ met: true, atItsViolation: { point: { name: 'k1' }, coreRatio: 0.5 } });
    // Nothing of ours reaches 0 % violation: no point at its violation, and 2 % is not ≤ 1/5 of 0 %.
    expect(c3).toMatchObject({ met: false, atItsViolation: null });
    expect(c3!.atItsCores?.violationRatio).toBe(Number.POSITIVE_INFINITY);
  });

  it('does not meet the goal when ours is cheaper but not enough better, or better but not cheaper', () => {
    const [c] = compareFronts([p('k1', 90, 3), p('k2', 120, 1)], [p('h', 100, 10)]);
    expect(c!.met).toBe(false);
  });
});
