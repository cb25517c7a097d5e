import { describe, expect, it } from 'vitest';
import { ReversalTracker } from '../../../../hub/src/loop/reversals.ts';

describe('ReversalTracker', () => {
  it('counts a move back within the window, with the three values and the delay', () => {
    const t = new ReversalTracker(30);
    expect(t.observe('a', 1060, 0)).toBeUndefined();
    expect(t.observe('a', 1324, 1000)).toBeUndefined();
    expect(t.observe('a', 1324, 2000)).toBeUndefined(); // no move
    expect(t.observe('a', 1060, 3000)).toEqual({ cpuMilli: [1060, 1324, 1060], afterMs: 2000 });
    expect(t.observe('a', 1324, 4000)).toEqual({ cpuMilli: [1324, 1060, 1324], afterMs: 1000 });
  });

  it.each([
    { name: 'moves the same way', values: [100, 200, 300], times: [0, 1000, 2000] },
    { name: 'moves back after the window', values: [100, 200, 150], times: [0, 1000, 32_000] },
  ])('does not count a pod that $name', ({ values, times }) => {
    const t = new ReversalTracker(30);
    const seen = values.map((v, i) => t.observe('a', v, times[i] as number));
    expect(seen.filter(Boolean)).toEqual([]);
  });

  it('keeps pods apart and forgets the ones no longer tracked', () => {
    const t = new ReversalTracker(30);
    t.observe('a', 100, 0);
    t.observe('b', 100, 0);
    t.observe('a', 200, 1000);
    t.retain(new Set(['b']));
    expect(t.observe('a', 100, 2000)).toBeUndefined(); // 'a' starts over
    expect(t.observe('b', 200, 2000)).toBeUndefined();
  });
});
