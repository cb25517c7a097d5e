import { describe, expect, it } from 'vitest';
import {
  groupPods,
  type HpaPod,
  type HpaPodMetric,
  objectValueReplicas,
  readyPodCount,
  resourceReplicas,
} from '../../../../bench/baselines/hpa.ts';
import { DEFAULT_HPA_BEHAVIOR, HpaController } from '../../../../bench/baselines/hpa-behavior.ts';

const NOW = 10_000;

function runningPod(name: string, requestMilli = 1000, startedAgo = 3600): HpaPod {
  return {
    name,
    phase: 'Running',
    ready: { status: true, lastTransitionSeconds: NOW - startedAgo + 5 },
    startSeconds: NOW - startedAgo,
    cpuRequestMilli: requestMilli,
  };
}

function metricsOf(values: Record<string, number>): Map<string, HpaPodMetric> {
  return new Map(
    Object.entries(values).map(([k, v]) => [k, { valueMilli: v, timestampSeconds: NOW, windowSeconds: 30 }]),
  );
}

describe('HPA replica calculator (CPU utilization)', () => {
  it.each([
    { name: 'doubling utilization takes 2 pods to 4', usage: [1400, 1400], target: 70, expected: 4 },
    { name: 'no action inside the 0.1 tolerance (75 % vs 70 %)', usage: [750, 750], target: 70, expected: 2 },
    { name: 'acts just outside the tolerance (78 % vs 70 %)', usage: [780, 780], target: 70, expected: 3 },
    { name: 'halving utilization takes 4 pods to 2', usage: [350, 350, 350, 350], target: 70, expected: 2 },
    { name: 'utilization is truncated to an integer percent', usage: [769, 769], target: 70, expected: 2 },
    { name: '50 % target on 100 % usage doubles', usage: [1000, 1000, 1000], target: 50, expected: 6 },
  ])('$name', ({ usage, target, expected }) => {
    const pods = usage.map((_, i) => runningPod(`p${i}`));
    const metrics = metricsOf(Object.fromEntries(usage.map((u, i) => [`p${i}`, u])));
    const out = resourceReplicas({
      currentReplicas: pods.length,
      targetUtilizationPercent: target,
      pods,
      metrics,
      nowSeconds: NOW,
    });
    expect(out.replicas).toBe(expected);
  });

  it.each([
    // (2800 + 0) / 3000 = 93 % → ratio 1.328 → ceil(3.98) = 4
    {
      name: 'counts a pending pod as 0 % on a scale-up (2 ready at 140 % + 1 pending → 4)',
      usage: 1400,
      expected: 4,
    },
    // 35 % → ratio 0.5 → ceil(0.5 × 2 ready) = 1
    {
      name: 'ignores a pending pod on a scale-down (unready pods are not rebalanced down)',
      usage: 350,
      expected: 1,
    },
  ])('$name', ({ usage, expected }) => {
    const pods = [
      runningPod('a'),
      runningPod('b'),
      { name: 'c', phase: 'Pending', cpuRequestMilli: 1000 } as HpaPod,
    ];
    const out = resourceReplicas({
      currentReplicas: 3,
      targetUtilizationPercent: 70,
      pods,
      metrics: metricsOf({ a: usage, b: usage }),
      nowSeconds: NOW,
    });
    expect(out.replicas).toBe(expected);
  });

  it('treats a pod without metrics as using its full request on a scale-down', () => {
    const pods = [runningPod('a'), runningPod('b'), runningPod('c'), runningPod('d')];
    const out = resourceReplicas({
      currentReplicas: 4,
      targetUtilizationPercent: 50,
      pods,
      metrics: metricsOf({ a: 100, b: 100, c: 100 }),
      nowSeconds: NOW,
    });
    // 10 % → scale-down; with d at 100 %: (300 + 1000)/4000 = 32 % → ratio 0.64 → ceil(2.56) = 3
    expect(out.replicas).toBe(3);
  });

  it('keeps the count when the missing pod reverses the direction', () => {
    const pods = [runningPod('a'), runningPod('b')];
    const out = resourceReplicas({
      currentReplicas: 2,
      targetUtilizationPercent: 70,
      pods,
      metrics: metricsOf({ a: 600 }),
      nowSeconds: NOW,
    });
    // 60 % → ratio 0.857 (down); with b at 100 %: 80 % → ratio 1.14 (up) → direction flips → keep 2
    expect(out.replicas).toBe(2);
  });

  it('excludes a pod inside the CPU initialization period whose metric window predates readiness', () => {
    const young: HpaPod = {
      name: 'y',
      phase: 'Running',
      ready: { status: true, lastTransitionSeconds: NOW - 10 },
      startSeconds: NOW - 60,
      cpuRequestMilli: 1000,
    };
    const g = groupPods([runningPod('a'), young], metricsOf({ a: 1, y: 1 }), NOW, 300, 30);
    expect(g.readyPodCount).toBe(1);
    expect([...g.unready]).toEqual(['y']);
  });

  it('counts a young pod as ready once a full metric window follows its readiness', () => {
    const young: HpaPod = {
      name: 'y',
      phase: 'Running',
      ready: { status: true, lastTransitionSeconds: NOW - 40 },
      startSeconds: NOW - 60,
      cpuRequestMilli: 1000,
    };
    const g = groupPods([young], metricsOf({ y: 1 }), NOW, 300, 30);
    expect(g.readyPodCount).toBe(1);
  });

  it('ignores deleted and failed pods entirely', () => {
    const pods = [
      runningPod('a'),
      { ...runningPod('b'), deleting: true },
      { ...runningPod('c'), phase: 'Failed' as const },
    ];
    const g = groupPods(pods, metricsOf({ a: 1, b: 1, c: 1 }), NOW, 300, 30);
    expect(g.readyPodCount).toBe(1);
    expect([...g.ignored].sort()).toEqual(['b', 'c']);
  });
});

describe('HPA object metric (Value target, e.g. response time)', () => {
  it.each([
    { name: 'RT twice the target doubles the ready pods', current: 2, value: 0.4, ready: 2, expected: 4 },
    { name: 'RT within tolerance keeps the current count', current: 3, value: 0.21, ready: 2, expected: 3 },
    { name: 'RT half the target halves', current: 4, value: 0.1, ready: 4, expected: 2 },
    { name: 'unready pods are not counted', current: 4, value: 0.3, ready: 2, expected: 3 },
  ])('$name', ({ current, value, ready, expected }) => {
    const out = objectValueReplicas({ currentReplicas: current, value, target: 0.2, readyPods: ready });
    expect(out.replicas).toBe(expected);
  });

  it('counts only Running pods with Ready=True', () => {
    const pods: HpaPod[] = [
      runningPod('a'),
      { ...runningPod('b'), ready: { status: false, lastTransitionSeconds: NOW } },
      { name: 'c', phase: 'Pending', cpuRequestMilli: 1 },
    ];
    expect(readyPodCount(pods)).toBe(1);
  });
});

describe('HPA behavior (defaults)', () => {
  it('scales 2 → 4 immediately on a doubling proposal', () => {
    const hpa = new HpaController({ minReplicas: 1, maxReplicas: 10 });
    expect(hpa.reconcile(0, 2, [4]).desiredReplicas).toBe(4);
  });

  it('limits a scale-up to max(+4 pods, +100 %) per 15 s', () => {
    const hpa = new HpaController({ minReplicas: 1, maxReplicas: 100 });
    expect(hpa.reconcile(0, 2, [40]).desiredReplicas).toBe(6);
    expect(hpa.reconcile(15, 6, [40]).desiredReplicas).toBe(12);
    expect(hpa.reconcile(30, 12, [40]).desiredReplicas).toBe(24);
  });

  it('counts scale-ups within the last 15 s against the limit', () => {
    const hpa = new HpaController({ minReplicas: 1, maxReplicas: 100 });
    expect(hpa.reconcile(0, 2, [40]).desiredReplicas).toBe(6);
    // 10 s later the period started at 2 replicas: the limit is still 6.
    expect(hpa.reconcile(10, 6, [40]).desiredReplicas).toBe(6);
  });

  it('scales down only after the 300 s stabilization window, to the max recommendation in it', () => {
    const hpa = new HpaController({ minReplicas: 1, maxReplicas: 10 });
    let current = 4;
    for (let t = 0; t < 300; t += 15) {
      current = hpa.reconcile(t, current, [t < 60 ? 3 : 2]).desiredReplicas;
      expect(current).toBe(4);
    }
    expect(hpa.reconcile(300, current, [2]).desiredReplicas).toBe(3);
    expect(hpa.reconcile(360, 3, [2]).desiredReplicas).toBe(2);
  });

  it('clamps to min and max replicas', () => {
    expect(new HpaController({ minReplicas: 2, maxReplicas: 5 }).reconcile(0, 4, [9]).desiredReplicas).toBe(
      5,
    );
    expect(new HpaController({ minReplicas: 2, maxReplicas: 5 }).reconcile(0, 1, [1]).desiredReplicas).toBe(
      2,
    );
    expect(new HpaController({ minReplicas: 2, maxReplicas: 5 }).reconcile(0, 7, [7]).desiredReplicas).toBe(
      5,
    );
  });

  it('does not act on a disabled scale-down policy', () => {
    const hpa = new HpaController({
      minReplicas: 1,
      maxReplicas: 10,
      behavior: {
        ...DEFAULT_HPA_BEHAVIOR,
        scaleDown: {
          ...DEFAULT_HPA_BEHAVIOR.scaleDown,
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Disabled',
        },
      },
    });
    expect(hpa.reconcile(0, 5, [1]).desiredReplicas).toBe(5);
  });

  it('treats a scaled-to-zero target as disabled', () => {
    expect(new HpaController({ minReplicas: 1, maxReplicas: 5 }).reconcile(0, 0, [3]).desiredReplicas).toBe(
      0,
    );
  });
});
