import { describe, expect, it } from 'vitest';
import { reversalsWithin, type Sample } from '../../../../bench/speed/reversals.ts';

const series = (key: string, values: number[], everyMs = 1000): Sample[] =>
  values.map((value, i) => ({ key, atMs: i * everyMs, value }));

describe('reversalsWithin', () => {
  it('counts a change that turns back within the window as a reversal', () => {
    // 500 → 600 (up) → 500 (down, 1 s later): 2 changes, 1 reversal
    expect(reversalsWithin(series('a', [500, 600, 500]), 10_000)).toEqual({
      changes: 2,
      reversals: 1,
      percent: 50,
    });
  });

  it('does not count a turn back after the window', () => {
    expect(reversalsWithin(series('a', [500, 600, 600, 500], 6000), 10_000).reversals).toBe(0);
  });

  it('does not count changes in the same direction', () => {
    expect(reversalsWithin(series('a', [100, 200, 300, 400]), 10_000)).toEqual({
      changes: 3,
      reversals: 0,
      percent: 0,
    });
  });

  it('keeps each pod separate and reads each series in time order', () => {
    const samples = [...series('a', [1, 2]), ...series('b', [2, 1])].reverse();
    expect(reversalsWithin(samples, 10_000)).toEqual({ changes: 2, reversals: 0, percent: 0 });
  });

  it('is 0 % when nothing changed', () => {
    expect(reversalsWithin(series('a', [5, 5, 5]), 10_000)).toEqual({ changes: 0, reversals: 0, percent: 0 });
  });
});
