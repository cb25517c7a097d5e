import { describe, expect, it } from 'vitest';
import { decideReplicas, stepAllowance } from '../../../../hub/src/horizontal/decide.ts';
import { HORIZONTAL_DEFAULTS, horizontalConfig } from '../../../../hub/src/horizontal/defaults.ts';
import type {
  HorizontalInput,
  HorizontalPodInput,
  HorizontalState,
} from '../../../../hub/src/horizontal/types.ts';

const cappedPod = (cappedCpuMilli: number): HorizontalPodInput => ({
  desiredCpuMilli: 2000 + cappedCpuMilli,
  enactedCpuMilli: 2000,
  cappedCpuMilli,
  usageCpuMilli: 1950,
  cappedReason: 'SLABound',
  ready: true,
});
const easyPod = (desiredCpuMilli: number): HorizontalPodInput => ({
  desiredCpuMilli,
  enactedCpuMilli: desiredCpuMilli,
  cappedCpuMilli: 0,
  usageCpuMilli: desiredCpuMilli * 0.7,
  cappedReason: 'None',
  ready: true,
});
const input = (over: Partial<HorizontalInput>): HorizontalInput => ({
  nowSeconds: 0,
  currentReplicas: 2,
  readyReplicas: 2,
  minReplicas: 1,
  maxReplicas: 10,
  maxCpuMilliPerPod: 2000,
  pods: [easyPod(1000), easyPod(1000)],
  demandCpuMilli: 2000,
  ...over,
});

/** State of a service capped for the whole scale-up window, last seen capped a second before `now`. */
const cappedAll = (now: number): HorizontalState => ({
  cappedSeconds: HORIZONTAL_DEFAULTS.scaleUp.windowSeconds,
  cappedSeenSeconds: now - 1,
  cappedWhenSeen: true,
});

/** Feeds the same input at the given times, threading state; returns each step's replicas and reason. */
function run(times: number[], make: (now: number) => HorizontalInput, start?: HorizontalState) {
  let state = start;
  return times.map((now) => {
    const d = decideReplicas(HORIZONTAL_DEFAULTS, state, make(now));
    state = d.state;
    return { now, replicas: d.replicas, reason: d.reason, terms: d.terms };
  });
}

describe('decideReplicas', () => {
  it.each([
    {
      name: 'raises replicas below the minimum at once',
      current: 1,
      min: 3,
      max: 10,
      expected: 3,
      reason: 'BelowMinimum',
    },
    {
      name: 'lowers replicas above the maximum at once',
      current: 12,
      min: 1,
      max: 10,
      expected: 10,
      reason: 'AboveMaximum',
    },
    { name: 'holds a steady service', current: 2, min: 1, max: 10, expected: 2, reason: 'Steady' },
  ])('$name', ({ current, min, max, expected, reason }) => {
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      undefined,
      input({
        currentReplicas: current,
        readyReplicas: current,
        minReplicas: min,
        maxReplicas: max,
        demandCpuMilli: 1500 * current,
      }),
    );
    expect(d.replicas).toBe(expected);
    expect(d.reason).toBe(reason);
  });

  it('scales out only after the pods stayed capped for the scale-up window', () => {
    // Two pods at the SLA max (2000m) each want 1000m more: demand 6000m.
    const steps = run([0, 5, 10, 15], (now) =>
      input({ nowSeconds: now, pods: [cappedPod(1000), cappedPod(1000)], demandCpuMilli: 6000 }),
    );
    expect(steps.map((s) => s.reason)).toEqual([
      'CappedWaitingForWindow',
      'CappedWaitingForWindow',
      'CappedWaitingForWindow',
      'ScaleOut',
    ]);
    // ceil(6000 / (0.8 · 2000)) = 4 at once, not one at a time.
    expect(steps.map((s) => s.replicas)).toEqual([2, 2, 2, 4]);
  });

  it('takes back what an uncapped tick lasts, not the whole window', () => {
    // Capped at 0 and 5, not at 10, capped again from 15: the half-capped seconds around t = 10 add
    // as much as they drain, so the count is 5 at t = 15 and reaches 15 at t = 25 (an unbroken run
    // restarted at t = 15 would wait until t = 30).
    const steps = run([0, 5, 10, 15, 20, 25], (now) =>
      input({
        nowSeconds: now,
        pods: now === 10 ? [easyPod(1900), easyPod(1900)] : [cappedPod(1000), cappedPod(1000)],
        demandCpuMilli: 6000,
      }),
    );
    expect(steps.map((s) => s.terms.cappedSeconds)).toEqual([0, 5, 5, 5, 10, 15]);
    expect(steps.map((s) => s.replicas)).toEqual([2, 2, 2, 2, 2, 4]);
  });

  // One pod at its 600m SLA max on a load that crosses the maximum both ways, one pass a second:
  // 600m + 200m wanted, or 550m of 600m.
  const over: HorizontalPodInput = {
    desiredCpuMilli: 800,
    enactedCpuMilli: 600,
    cappedCpuMilli: 200,
    usageCpuMilli: 595,
    cappedReason: 'SLABound',
    ready: true,
  };
  const under: HorizontalPodInput = { ...easyPod(550), usageCpuMilli: 500 };
  const onePod = (now: number, capped: boolean): HorizontalInput =>
    input({
      nowSeconds: now,
      currentReplicas: 1,
      readyReplicas: 1,
      maxCpuMilliPerPod: 600,
      pods: [capped ? over : under],
      demandCpuMilli: capped ? 800 : 550,
    });
  const seconds = (n: number) => Array.from({ length: n }, (_, i) => i);

  it.each([
    // Capped 4 s of every 5: +3 s a cycle (the two half-capped seconds around a gap cancel out),
    // 3 s at t = 3, 15 s at t = 23.
    { name: 'capped 4 s of every 5', cappedAt: (t: number) => t % 5 !== 4, outAt: 23 },
    // The nasa run's shape: capped runs of 7–9 s broken by 3–4 uncapped seconds. The count:
    // 7 at t = 7, 5 at t = 10, 11 at t = 17, 8 at t = 21, 15 at t = 29.
    {
      name: 'capped in runs of 7–9 s broken by 3–4 s',
      cappedAt: (t: number) => !((t >= 8 && t <= 10) || (t >= 18 && t <= 21) || (t >= 31 && t <= 33)),
      outAt: 29,
    },
  ])(
    'scales out a pod capped most of the time although it crosses its maximum ($name)',
    ({ cappedAt, outAt }) => {
      const steps = run(seconds(60), (now) => onePod(now, cappedAt(now)));
      const first = steps.findIndex((s) => s.reason === 'ScaleOut');
      expect(first).toBe(outAt);
      // ceil(800 / (0.8 · 600)) = 2 pods.
      expect(steps[first]!.replicas).toBe(2);
    },
  );

  it.each([
    { name: 'one capped second a minute', cappedAt: (t: number) => t % 60 === 30 },
    { name: 'a capped tick of 5 s now and then', cappedAt: (t: number) => t % 30 >= 10 && t % 30 < 15 },
    { name: 'capped half the time', cappedAt: (t: number) => t % 4 < 2 },
    { name: 'a burst of 14 s', cappedAt: (t: number) => t >= 20 && t < 34 },
  ])('does not scale out on $name', ({ cappedAt }) => {
    const steps = run(seconds(300), (now) => onePod(now, cappedAt(now)));
    expect(steps.every((s) => s.replicas === 1)).toBe(true);
    expect(Math.max(...steps.map((s) => s.terms.cappedSeconds))).toBeLessThan(15);
  });

  it('keeps the replica it added while the load still crosses one pod’s maximum', () => {
    // After the scale-out the same load on two pods (400m each, or 275m): 550–800m needs 2 pods at
    // 0.6 · 600m, so the demand never fits fewer and the scale-in never starts.
    let state: HorizontalState | undefined;
    let replicas = 1;
    const reasons = new Set<string>();
    for (let now = 0; now < 400; now += 1) {
      const capped = now % 5 !== 4;
      const load = capped ? 800 : 550;
      const pods: HorizontalPodInput[] =
        replicas === 1
          ? [capped ? over : under]
          : Array.from({ length: replicas }, () => easyPod(load / replicas));
      const d = decideReplicas(
        HORIZONTAL_DEFAULTS,
        state,
        input({
          nowSeconds: now,
          currentReplicas: replicas,
          readyReplicas: replicas,
          maxCpuMilliPerPod: 600,
          pods,
          demandCpuMilli: load,
        }),
      );
      state = d.state;
      replicas = d.replicas;
      reasons.add(d.reason);
    }
    expect(replicas).toBe(2);
    expect(reasons.has('ScaleIn')).toBe(false);
  });

  it('adds enough replicas for contention-capped CPU even when the demand would fit at the SLA max', () => {
    // Pods capped by node contention at 800m while wanting 1600m: demand 3200m fits 2 pods at 2000m,
    // but 1600m unmet needs ceil(1600 / 1600) = 1 more replica beyond the 2 ready ones.
    const pod: HorizontalPodInput = {
      ...cappedPod(800),
      desiredCpuMilli: 1600,
      enactedCpuMilli: 800,
      cappedReason: 'NodeContention',
    };
    const steps = run([0, 15], (now) => input({ nowSeconds: now, pods: [pod, pod], demandCpuMilli: 3200 }));
    expect(steps[1]).toMatchObject({ replicas: 3, reason: 'ScaleOut' });
  });

  it('counts replicas that are not ready yet as capacity on the way', () => {
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      cappedAll(60),
      input({
        nowSeconds: 60,
        currentReplicas: 4,
        readyReplicas: 2,
        pods: [cappedPod(1000), cappedPod(1000)],
        demandCpuMilli: 6000,
      }),
    );
    expect(d).toMatchObject({ replicas: 4, reason: 'ReplicasComing' });
  });

  it('waits for stabilization after a change before scaling out again', () => {
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      { ...cappedAll(30), lastChangeSeconds: 10 },
      input({ nowSeconds: 30, pods: [cappedPod(1000), cappedPod(1000)], demandCpuMilli: 6000 }),
    );
    expect(d).toMatchObject({ replicas: 2, reason: 'Stabilizing' });
  });

  it.each([
    { name: 'limits a scale-out to the step allowance', current: 2, max: 50, demand: 40_000, expected: 6 },
    { name: 'never scales out beyond the maximum', current: 2, max: 3, demand: 40_000, expected: 3 },
  ])('$name', ({ current, max, demand, expected }) => {
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      cappedAll(100),
      input({
        nowSeconds: 100,
        currentReplicas: current,
        readyReplicas: current,
        maxReplicas: max,
        pods: [cappedPod(5000), cappedPod(5000)],
        demandCpuMilli: demand,
      }),
    );
    expect(d.replicas).toBe(expected);
  });

  it('reports AtMaximum when capped with no replicas left', () => {
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      cappedAll(100),
      input({
        nowSeconds: 100,
        maxReplicas: 2,
        pods: [cappedPod(1000), cappedPod(1000)],
        demandCpuMilli: 6000,
      }),
    );
    expect(d).toMatchObject({ replicas: 2, reason: 'AtMaximum' });
  });

  it('scales in after the scale-down window to the most replicas needed during it', () => {
    // 4 pods; demand 1000m fits 1 pod at 0.6·2000 until t=100 where 2000m needs 2.
    const steps = run([0, 100, 170, 180], (now) =>
      input({
        nowSeconds: now,
        currentReplicas: 4,
        readyReplicas: 4,
        pods: [easyPod(500), easyPod(500), easyPod(500), easyPod(500)],
        demandCpuMilli: now === 100 ? 2000 : 1000,
      }),
    );
    expect(steps.map((s) => s.reason)).toEqual([
      'FitsFewerWaitingForWindow',
      'FitsFewerWaitingForWindow',
      'FitsFewerWaitingForWindow',
      'ScaleIn',
    ]);
    expect(steps[3]!.replicas).toBe(2);
  });

  it('removes at most half the replicas per scale-in and never goes below the minimum', () => {
    const pods = Array.from({ length: 8 }, () => easyPod(100));
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      { fitsFewerSinceSeconds: 0, fitsFewerMaxNeeded: 1 },
      input({
        nowSeconds: 400,
        currentReplicas: 8,
        readyReplicas: 8,
        minReplicas: 2,
        pods,
        demandCpuMilli: 800,
      }),
    );
    expect(d).toMatchObject({ replicas: 4, reason: 'ScaleIn' });
    const atMin = decideReplicas(
      HORIZONTAL_DEFAULTS,
      { fitsFewerSinceSeconds: 0 },
      input({ nowSeconds: 400, currentReplicas: 2, readyReplicas: 2, minReplicas: 2, demandCpuMilli: 100 }),
    );
    expect(atMin).toMatchObject({ replicas: 2, reason: 'Steady' });
  });

  it('keeps the per-pod headroom out of the load when counting replicas', () => {
    // demand 3 pods × 300m headroom + 2700m load; per pod at 0.8·2000 − 300 = 1300m → ceil(2700/1300) = 3.
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      undefined,
      input({
        currentReplicas: 3,
        readyReplicas: 3,
        pods: [easyPod(1200), easyPod(1200), easyPod(1200)],
        demandCpuMilli: 3600,
        perPodHeadroomCpuMilli: 300,
      }),
    );
    expect(d.terms.neededForDemand).toBe(3);
  });
});

describe('stepAllowance', () => {
  it.each([
    { rule: { maxStepReplicas: 4, maxStepPercent: 100 }, current: 2, dir: 'up', expected: 4 },
    { rule: { maxStepReplicas: 4, maxStepPercent: 100 }, current: 10, dir: 'up', expected: 10 },
    { rule: { maxStepReplicas: 0, maxStepPercent: 50 }, current: 5, dir: 'down', expected: 2 },
    { rule: { maxStepReplicas: 0, maxStepPercent: 50 }, current: 1, dir: 'down', expected: 1 },
    {
      rule: { maxStepReplicas: 0, maxStepPercent: 0 },
      current: 3,
      dir: 'up',
      expected: Number.POSITIVE_INFINITY,
    },
  ] as const)(
    'allows $expected for $current replicas ($dir, $rule.maxStepReplicas pods / $rule.maxStepPercent %)',
    ({ rule, current, dir, expected }) => {
      expect(stepAllowance({ windowSeconds: 0, stabilizationSeconds: 0, ...rule }, current, dir)).toBe(
        expected,
      );
    },
  );
});

describe('horizontalConfig', () => {
  it('overrides defaults field by field', () => {
    const c = horizontalConfig({ scaleUp: { windowSeconds: 30 }, scaleDownFill: 0.5 });
    expect(c.scaleUp).toEqual({ ...HORIZONTAL_DEFAULTS.scaleUp, windowSeconds: 30 });
    expect(c.scaleDownFill).toBe(0.5);
    expect(c.scaleDown).toEqual(HORIZONTAL_DEFAULTS.scaleDown);
  });
});

describe('decideReplicas: where a new pod can land', () => {
  // Two pods held at 800m by their node while wanting 1600m: 1600m node-capped in all, demand 3200m.
  const contended: HorizontalPodInput = {
    ...cappedPod(800),
    desiredCpuMilli: 1600,
    enactedCpuMilli: 800,
    nodeCappedCpuMilli: 800,
    cappedReason: 'NodeContention',
  };
  const contendedInput = (now: number, over: Partial<HorizontalInput> = {}) =>
    input({ nowSeconds: now, pods: [contended, contended], demandCpuMilli: 3200, ...over });

  it('adds no replica for node contention when no node has room for one', () => {
    const steps = run([0, 15, 30], (now) => contendedInput(now, { scaleOutRoomCpuMilli: 0 }));
    expect(steps.map((s) => [s.replicas, s.reason])).toEqual([
      [2, 'Steady'],
      [2, 'Steady'],
      [2, 'Steady'],
    ]);
    expect(steps[2]!.terms).toMatchObject({ nodeCappedCpuMilli: 1600, effectiveCappedCpuMilli: 0 });
  });

  it('counts node-capped CPU up to the room, and all of it when nodes are added on demand', () => {
    const withRoom = run([0, 15], (now) => contendedInput(now, { scaleOutRoomCpuMilli: 500 }));
    expect(withRoom[1]).toMatchObject({ replicas: 3, reason: 'ScaleOut' });
    expect(withRoom[1]!.terms).toMatchObject({ effectiveCappedCpuMilli: 500, neededForUnmet: 3 });
    // 5000m unmet and nodes that grow: ceil(5000 / 1600) = 4 more than the 2 ready.
    const big: HorizontalPodInput = {
      ...contended,
      desiredCpuMilli: 3300,
      cappedCpuMilli: 2500,
      nodeCappedCpuMilli: 2500,
    };
    const grows = run([0, 15], (now) =>
      input({ nowSeconds: now, pods: [big, big], demandCpuMilli: 6600, nodesAutoscaled: true }),
    );
    expect(grows[1]!.terms).toMatchObject({ effectiveCappedCpuMilli: 5000, neededForUnmet: 6 });
    expect(grows[1]).toMatchObject({ replicas: 6, reason: 'ScaleOut' });
  });

  it('counts CPU the SLA max cut whatever the room', () => {
    const steps = run([0, 15], (now) =>
      input({
        nowSeconds: now,
        pods: [cappedPod(1000), cappedPod(1000)],
        demandCpuMilli: 6000,
        scaleOutRoomCpuMilli: 0,
      }),
    );
    expect(steps[1]).toMatchObject({ replicas: 4, reason: 'ScaleOut' });
  });

  it('adds no replica while pods it added are unschedulable, unless nodes are added on demand', () => {
    const capped = (now: number, over: Partial<HorizontalInput>) =>
      input({
        nowSeconds: now,
        currentReplicas: 3,
        readyReplicas: 2,
        pods: [cappedPod(3000), cappedPod(3000)],
        demandCpuMilli: 10_000,
        unschedulableReplicas: 1,
        ...over,
      });
    const fixed = run([0, 15, 60], (now) => capped(now, { scaleOutRoomCpuMilli: 4000 }));
    expect(fixed.map((s) => [s.replicas, s.reason])).toEqual([
      [3, 'Unschedulable'],
      [3, 'Unschedulable'],
      [3, 'Unschedulable'],
    ]);
    const grows = run([0, 15], (now) => capped(now, { nodesAutoscaled: true }));
    expect(grows[1]).toMatchObject({ replicas: 7, reason: 'ScaleOut' });
  });

  it('removes pods unschedulable for the scale-up window once the service is not capped', () => {
    const pending = (now: number, over: Partial<HorizontalInput> = {}) =>
      input({
        nowSeconds: now,
        currentReplicas: 3,
        readyReplicas: 2,
        pods: [contended, contended],
        demandCpuMilli: 3200,
        unschedulableReplicas: 1,
        scaleOutRoomCpuMilli: 0,
        ...over,
      });
    const steps = run([0, 10, 15], (now) => pending(now));
    expect(steps.map((s) => [s.replicas, s.reason])).toEqual([
      [3, 'Steady'],
      [3, 'Steady'],
      [2, 'RemoveUnschedulable'],
    ]);
    // Never below the minimum; and kept when nodes are added on demand (they are coming).
    expect(run([0, 15], (now) => pending(now, { minReplicas: 3 }))[1]!.replicas).toBe(3);
    expect(run([0, 15], (now) => pending(now, { nodesAutoscaled: true }))[1]).toMatchObject({
      replicas: 3,
      reason: 'ReplicasComing',
    });
  });

  it('trusts the scheduler over the room estimate for the scale-down window', () => {
    // Pods were unschedulable at t=0 although the estimate saw room; at t=15 they are gone and the
    // estimate still says 1000m: node contention adds nothing until t=0+180.
    const steps = run([0, 15, 100, 179, 180, 195], (now) =>
      contendedInput(now, { scaleOutRoomCpuMilli: 1000, unschedulableReplicas: now === 0 ? 1 : 0 }),
    );
    expect(steps.map((s) => s.terms.effectiveCappedCpuMilli)).toEqual([0, 0, 0, 0, 1000, 1000]);
    expect(steps.map((s) => s.replicas)).toEqual([2, 2, 2, 2, 2, 3]);
  });

  it('does not let unschedulable pods hold back a scale-in as if they were starting', () => {
    // 4 replicas asked, 3 ready, 1 unschedulable for 5 s; demand fits 1 pod, the window long passed.
    const d = decideReplicas(
      HORIZONTAL_DEFAULTS,
      { fitsFewerSinceSeconds: 0, fitsFewerMaxNeeded: 1 },
      input({
        nowSeconds: 300,
        currentReplicas: 4,
        readyReplicas: 3,
        pods: [easyPod(300), easyPod(300), easyPod(300)],
        demandCpuMilli: 900,
        unschedulableReplicas: 1,
        scaleOutRoomCpuMilli: 0,
      }),
    );
    expect(d).toMatchObject({ replicas: 2, reason: 'ScaleIn' });
  });
});
