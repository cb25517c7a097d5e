import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NodeRoomInput, roomIndex } from '../../../../hub/src/horizontal/room.ts';

const scaleOutRoom = (nodes: NodeRoomInput[], pod: number) => roomIndex(nodes)(pod);

describe('roomIndex', () => {
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

  it('answers like a scan of every node, for any nodes and pod size (the indexed form the hub uses)', () => {
    const node = fc.record({
      allocatableCpuMilli: fc.integer({ min: 0, max: 64_000 }),
      requestedCpuMilli: fc.integer({ min: 0, max: 70_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(node, { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 70_000 })),
        (ns, sizes) => {
          const index = roomIndex(ns);
          for (const size of sizes) {
            const least = Math.max(1, size);
            const scan = ns
              .map((n) => n.allocatableCpuMilli - n.requestedCpuMilli)
              .filter((f) => f >= least)
              .reduce((a, f) => a + f, 0);
            expect(index(size)).toBe(scan);
          }
        },
      ),
    );
  });
});
