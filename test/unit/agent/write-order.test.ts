import { describe, expect, it } from 'vitest';
import { rotated } from '../../../agent/src/actuator/write-order.ts';

describe('write order across ticks', () => {
  it.each([
    { offset: 0, want: ['a', 'b', 'c'] },
    { offset: 1, want: ['b', 'c', 'a'] },
    { offset: 5, want: ['c', 'a', 'b'] },
  ])('starts at offset $offset mod the pod count and wraps around', ({ offset, want }) => {
    expect(rotated(['a', 'b', 'c'], offset)).toEqual(want);
  });

  it('gives every pod the first write slot once per n ticks, so a spent budget cannot starve one pod', () => {
    const pods = ['a', 'b', 'c', 'd'];
    const first = new Set([1, 2, 3, 4].map((tick) => rotated(pods, tick)[0]));
    expect(first).toEqual(new Set(pods));
    expect(rotated([], 3)).toEqual([]);
  });
});
