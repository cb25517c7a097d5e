import { describe, expect, it } from 'vitest';
import { scaleOutRoom } from '../../../../hub/src/horizontal/room.ts';

describe('scaleOutRoom', () => {
  const nodes = [
    { allocatableCpuMilli: 4000, requestedCpuMilli: 3500 }, // 500m free
    { allocatableCpuMilli: 2500, requestedCpuMilli: 1000 }, // 1500m free
    { allocatableCpuMilli: 1200, requestedCpuMilli: 1400 }, // over-promised
  ];
  it.each([
    { pod: 100, expected: 2000 },
    { pod: 500, expected: 2000 },
    { pod: 501, expected: 1500 },
    { pod: 1600, expected: 0 },
  ])('a new pod of $pod m finds $expected m', ({ pod, expected }) => {
    expect(scaleOutRoom(nodes, pod)).toBe(expected);
  });
  it('finds nothing without nodes, and never counts a node with 0 free', () => {
    expect(scaleOutRoom([], 100)).toBe(0);
    expect(scaleOutRoom([{ allocatableCpuMilli: 1000, requestedCpuMilli: 1000 }], 0)).toBe(0);
  });
});
