import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArbiterPod, ArbitrationInput } from '../../../../agent/src/arbiter/index.ts';
import { arbitrate, nodeCapacity } from '../../../../agent/src/arbiter/index.ts';

const MI = 1024 * 1024;
const pod = (
  key: string,
  cpuMilli: number,
  minCpuMilli = 0,
  priority = 1,
  memoryBytes = 64 * MI,
): ArbiterPod => ({
  key,
  desired: { cpuMilli, memoryBytes },
  minimum: { cpuMilli: minCpuMilli, memoryBytes: 0 },
  priority,
});
const cpuGrants = (input: ArbitrationInput): number[] =>
  arbitrate(input).grants.map((g) => g.granted.cpuMilli);

describe('nodeCapacity', () => {
  it('subtracts untracked requests and the reserve from allocatable', () => {
    expect(
      nodeCapacity(
        { cpuMilli: 4000, memoryBytes: 8000 },
        { cpuMilli: 1500, memoryBytes: 3000 },
        { cpuMilli: 100, memoryBytes: 1000 },
      ),
    ).toEqual({ cpuMilli: 2400, memoryBytes: 4000 });
  });

  it('never goes negative when untracked pods already overcommit the node', () => {
    expect(
      nodeCapacity(
        { cpuMilli: 1000, memoryBytes: 10 },
        { cpuMilli: 1200, memoryBytes: 20 },
        { cpuMilli: 0, memoryBytes: 0 },
      ),
    ).toEqual({ cpuMilli: 0, memoryBytes: 0 });
  });
});

describe('arbitrate', () => {
  it('reproduces the KOSMOS proportional example: 100m for 50m + 150m gives 25m + 75m', () => {
    const result = arbitrate({
      capacity: { cpuMilli: 100, memoryBytes: 1024 * MI },
      policy: 'proportional',
      pods: [pod('a', 50), pod('b', 150)],
    });
    expect(result.grants.map((g) => g.granted.cpuMilli)).toEqual([25, 75]);
    expect(result.grants.map((g) => g.reason)).toEqual(['NodeContention', 'NodeContention']);
    expect(result.grants.map((g) => g.cappedBy.cpuMilli)).toEqual([25, 75]);
    expect(result.terms.cpu).toMatchObject({
      capacity: 100,
      totalDesired: 200,
      totalGranted: 100,
      fits: false,
    });
  });

  it.each(['proportional', 'minimum-first'] as const)(
    '%s grants everything desired when it fits',
    (policy) => {
      const result = arbitrate({
        capacity: { cpuMilli: 1000, memoryBytes: 1024 * MI },
        policy,
        pods: [pod('a', 300, 100), pod('b', 700, 100)],
      });
      expect(result.grants.map((g) => g.granted.cpuMilli)).toEqual([300, 700]);
      expect(result.grants.every((g) => !g.capped && g.reason === 'None')).toBe(true);
      expect(result.terms.cpu.fits).toBe(true);
    },
  );

  it('proportional hands out the rounding remainder so the whole capacity is used', () => {
    expect(
      cpuGrants({
        capacity: { cpuMilli: 100, memoryBytes: MI },
        policy: 'proportional',
        pods: [pod('a', 100), pod('b', 100), pod('c', 100)],
      }),
    ).toEqual([34, 33, 33]);
  });

  it('minimum-first gives every pod its minimum before sharing the rest by unmet need', () => {
    // capacity 1000: minimums 200 + 200 = 400; rest 600 shared ∝ need (800 and 400) → 400 + 200.
    expect(
      cpuGrants({
        capacity: { cpuMilli: 1000, memoryBytes: 1024 * MI },
        policy: 'minimum-first',
        pods: [pod('a', 1000, 200), pod('b', 600, 200)],
      }),
    ).toEqual([600, 400]);
  });

  it('minimum-first protects a small pod that proportional would push below its minimum', () => {
    const pods = [pod('big', 3000, 100), pod('small', 300, 250)];
    const capacity = { cpuMilli: 1000, memoryBytes: 1024 * MI };
    expect(cpuGrants({ capacity, policy: 'proportional', pods })[1]).toBeLessThan(250);
    expect(cpuGrants({ capacity, policy: 'minimum-first', pods })[1]).toBeGreaterThanOrEqual(250);
  });

  it('minimum-first weights unmet need by priority and water-fills past satisfied pods', () => {
    // rest 900 after minimums 0: a needs 100 (priority 10 would take 900·1000/1200 > 100 → full),
    // b and c share the remaining 800 ∝ need 1000 : 600 → 500 : 300.
    expect(
      cpuGrants({
        capacity: { cpuMilli: 900, memoryBytes: 1024 * MI },
        policy: 'minimum-first',
        pods: [pod('a', 100, 0, 10), pod('b', 1000), pod('c', 600)],
      }),
    ).toEqual([100, 500, 300]);
  });

  it('minimum-first gives a priority-0 pod only what the others leave', () => {
    expect(
      cpuGrants({
        capacity: { cpuMilli: 500, memoryBytes: 1024 * MI },
        policy: 'minimum-first',
        pods: [pod('a', 400, 0, 1), pod('b', 400, 50, 0)],
      }),
    ).toEqual([400, 100]);
  });

  it('minimum-first scales the minimums proportionally when even they do not fit', () => {
    const result = arbitrate({
      capacity: { cpuMilli: 300, memoryBytes: 1024 * MI },
      policy: 'minimum-first',
      pods: [pod('a', 500, 200), pod('b', 500, 400)],
    });
    expect(result.grants.map((g) => g.granted.cpuMilli)).toEqual([100, 200]);
    expect(result.terms.cpu.minimumsFit).toBe(false);
  });

  it('protects each pod’s essential CPU before sharing the margins in proportion to them', () => {
    // capacity 1000: essentials 600 + 200 fit; the 200 left is shared ∝ margin (200 : 600) → 50 : 150.
    const pods = [
      { ...pod('tight', 800), essential: { cpuMilli: 600, memoryBytes: 0 } },
      { ...pod('slack', 800), essential: { cpuMilli: 200, memoryBytes: 0 } },
    ];
    const capacity = { cpuMilli: 1000, memoryBytes: 1024 * MI };
    expect(cpuGrants({ capacity, policy: 'proportional', pods })).toEqual([650, 350]);
    // Without essentials: the KOSMOS split, 500 : 500, cuts the tight pod below what its SLO takes.
    expect(
      cpuGrants({ capacity, policy: 'proportional', pods: [pod('tight', 800), pod('slack', 800)] }),
    ).toEqual([500, 500]);
    expect(arbitrate({ capacity, policy: 'proportional', pods }).terms.cpu.totalEssential).toBe(800);
  });

  it('shares the essentials in proportion to them when even they do not fit', () => {
    const pods = [
      { ...pod('a', 800), essential: { cpuMilli: 600, memoryBytes: 0 } },
      { ...pod('b', 800), essential: { cpuMilli: 200, memoryBytes: 0 } },
    ];
    expect(
      cpuGrants({ capacity: { cpuMilli: 400, memoryBytes: 1024 * MI }, policy: 'proportional', pods }),
    ).toEqual([300, 100]);
  });

  it('minimum-first grants minimums, then essentials, then the rest by priority', () => {
    // capacity 1000: minimums 100 + 100, then essentials up to 500 + 300 (600 more), then the 200
    // left ∝ margin × priority (300 × 1 : 500 × 3) → 33 : 167.
    const pods = [
      { ...pod('a', 800, 100, 1), essential: { cpuMilli: 500, memoryBytes: 0 } },
      { ...pod('b', 800, 100, 3), essential: { cpuMilli: 300, memoryBytes: 0 } },
    ];
    const granted = cpuGrants({
      capacity: { cpuMilli: 1000, memoryBytes: 1024 * MI },
      policy: 'minimum-first',
      pods,
    });
    expect(granted[0]).toBeGreaterThanOrEqual(500);
    expect(granted[1]).toBeGreaterThanOrEqual(300);
    expect(granted[0]! + granted[1]!).toBe(1000);
    expect(granted).toEqual([533, 467]);
  });

  it('arbitrates memory independently of CPU', () => {
    const result = arbitrate({
      capacity: { cpuMilli: 10_000, memoryBytes: 300 * MI },
      policy: 'proportional',
      pods: [pod('a', 100, 0, 1, 200 * MI), pod('b', 100, 0, 1, 200 * MI)],
    });
    expect(result.grants.map((g) => g.granted)).toEqual([
      { cpuMilli: 100, memoryBytes: 150 * MI },
      { cpuMilli: 100, memoryBytes: 150 * MI },
    ]);
    expect(result.terms.cpu.fits).toBe(true);
    expect(result.terms.memory.fits).toBe(false);
  });
});

describe('arbitrate properties', () => {
  const podArb = fc.record({
    key: fc.uuid(),
    desired: fc.record({
      cpuMilli: fc.integer({ min: 0, max: 8000 }),
      memoryBytes: fc.integer({ min: 0, max: 2 ** 34 }),
    }),
    minimum: fc.record({
      cpuMilli: fc.integer({ min: 0, max: 2000 }),
      memoryBytes: fc.integer({ min: 0, max: 2 ** 30 }),
    }),
    priority: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 10, noNaN: true })),
    essential: fc.option(
      fc.record({ cpuMilli: fc.integer({ min: 0, max: 8000 }), memoryBytes: fc.constant(0) }),
      { nil: undefined },
    ),
  });
  const inputArb = fc.record({
    capacity: fc.record({
      cpuMilli: fc.integer({ min: 0, max: 32_000 }),
      memoryBytes: fc.integer({ min: 0, max: 2 ** 36 }),
    }),
    policy: fc.constantFrom('proportional' as const, 'minimum-first' as const),
    pods: fc.array(podArb, { maxLength: 12 }),
  });
  const dims = ['cpuMilli', 'memoryBytes'] as const;

  it('never grants more than capacity in total, nor more than desired to any pod, in whole units', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { grants } = arbitrate(input);
        for (const d of dims) {
          const total = grants.reduce((s, g) => s + g.granted[d], 0);
          expect(total).toBeLessThanOrEqual(input.capacity[d]);
          grants.forEach((g, i) => {
            expect(Number.isInteger(g.granted[d])).toBe(true);
            expect(g.granted[d]).toBeGreaterThanOrEqual(0);
            expect(g.granted[d]).toBeLessThanOrEqual(input.pods[i]!.desired[d]);
          });
        }
      }),
    );
  });

  it('grants exactly what is desired when it all fits', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { grants } = arbitrate(input);
        for (const d of dims) {
          const totalDesired = input.pods.reduce((s, p) => s + p.desired[d], 0);
          if (totalDesired <= input.capacity[d]) {
            expect(grants.map((g) => g.granted[d])).toEqual(input.pods.map((p) => p.desired[d]));
          }
        }
      }),
    );
  });

  it('uses the whole capacity when the desired total does not fit', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { grants } = arbitrate(input);
        for (const d of dims) {
          const totalDesired = input.pods.reduce((s, p) => s + p.desired[d], 0);
          if (totalDesired > input.capacity[d]) {
            expect(grants.reduce((s, g) => s + g.granted[d], 0)).toBe(input.capacity[d]);
          }
        }
      }),
    );
  });

  it('minimum-first honours every minimum (up to desired) when the minimums fit', () => {
    fc.assert(
      fc.property(inputArb, (raw) => {
        const input = { ...raw, policy: 'minimum-first' as const };
        const { grants } = arbitrate(input);
        for (const d of dims) {
          const mins = input.pods.map((p) => Math.min(p.minimum[d], p.desired[d]));
          if (mins.reduce((s, m) => s + m, 0) <= input.capacity[d]) {
            grants.forEach((g, i) => {
              expect(g.granted[d]).toBeGreaterThanOrEqual(mins[i]!);
            });
          }
        }
      }),
    );
  });

  it('gives every pod its essential CPU (up to desired) when the essentials fit, before anyone’s margin', () => {
    fc.assert(
      fc.property(inputArb, (raw) => {
        const input = { ...raw, policy: 'proportional' as const };
        const { grants } = arbitrate(input);
        const ess = input.pods.map((p) => Math.min(p.essential?.cpuMilli ?? 0, p.desired.cpuMilli));
        if (ess.reduce((s, e) => s + e, 0) <= input.capacity.cpuMilli) {
          grants.forEach((g, i) => {
            expect(g.granted.cpuMilli).toBeGreaterThanOrEqual(ess[i]!);
          });
        }
      }),
    );
  });
});
