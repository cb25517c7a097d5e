import { describe, expect, it } from 'vitest';
import { computeFigures, mixtureQuantile, stepCdf, violationPct } from '../../../../bench/quality/figures.ts';
import type { Recording, ServiceSeries } from '../../../../sim/discrete/recorder.ts';

function series(steps: number, rt: (i: number) => number, extra: Partial<ServiceSeries> = {}): ServiceSeries {
  const f = (g: (i: number) => number) => Float64Array.from({ length: steps }, (_, i) => g(i));
  return {
    name: 'svc',
    sloSeconds: 0.2,
    statistic: 'p95',
    offeredRps: f(() => 10),
    throughputRps: f(() => 10),
    droppedRps: f(() => 0),
    meanRtSeconds: f((i) => rt(i) / 3),
    p50RtSeconds: f((i) => rt(i) / 4),
    p90RtSeconds: f((i) => rt(i) * 0.8),
    p95RtSeconds: f(rt),
    p99RtSeconds: f((i) => rt(i) * 1.5),
    sloViolated: new Uint8Array(steps),
    allocatedCores: f(() => 2),
    usedCores: f(() => 1),
    allocatedMemoryBytes: f(() => 0),
    replicasTarget: f(() => 1),
    replicasExisting: f(() => 1),
    replicasReady: f(() => 1),
    ...extra,
  };
}

describe('response-time mixture', () => {
  it('reads back the quantiles of a single step', () => {
    const step = { weight: 1, p50: 0.05, p90: 0.1, p95: 0.2, p99: 0.4 };
    expect(stepCdf(step, 0.2)).toBeCloseTo(0.95, 12);
    expect(mixtureQuantile([step], 0.95)).toBeCloseTo(0.2, 6);
    expect(mixtureQuantile([step], 0.5)).toBeCloseTo(0.05, 6);
  });

  it('weights steps by their completions', () => {
    const fast = { weight: 9, p50: 0.01, p90: 0.02, p95: 0.03, p99: 0.04 };
    const slow = { weight: 1, p50: 1, p90: 2, p95: 3, p99: 4 };
    // 90 % of the requests are fast: the median is fast, the p95 in the slow step's body.
    expect(mixtureQuantile([fast, slow], 0.5)).toBeLessThan(0.04);
    expect(mixtureQuantile([fast, slow], 0.95)).toBeGreaterThan(0.5);
  });
});

describe('SLO-violation time', () => {
  it('counts the 30 s windows whose statistic exceeds the SLO', () => {
    const s = series(120, (i) => (i < 30 ? 0.5 : 0.1));
    expect(violationPct(s, 1)).toBeCloseTo(25, 10);
  });

  it('counts a window with more than 1 % of requests dropped', () => {
    const s = series(60, () => 0.1, {
      droppedRps: Float64Array.from({ length: 60 }, (_, i) => (i < 30 ? 1 : 0)),
    });
    expect(violationPct(s, 1)).toBeCloseTo(50, 10);
  });
});

describe('figures', () => {
  const rec: Recording = {
    scenario: 'x',
    controller: 'c',
    seed: 1,
    stepSeconds: 1,
    steps: 60,
    services: [series(60, () => 0.1)],
    pods: [],
    events: [
      { tSeconds: 1, kind: 'resize', service: 'svc', pod: 'p' },
      { tSeconds: 2, kind: 'replicas', service: 'svc' },
      { tSeconds: 3, kind: 'recreate', service: 'svc', pod: 'p' },
    ],
  };

  const window = (fromStep: number, cores: number) => ({
    fromStep,
    toStep: fromStep + 30,
    replicas: 1,
    cpuMilliPerPod: cores * 1000,
    cores,
    met: true,
  });

  it('sums core-seconds, relates them to the per-window bound and counts actions', () => {
    const f = computeFigures(rec, 'w', [{ service: 'svc', windows: [window(0, 1), window(30, 1)] }]);
    expect(f.coreSeconds).toBe(120);
    expect(f.boundCoreSeconds).toBe(60);
    expect(f.vsBound).toBe(2);
    expect(f.cpuUtilizationPct).toBe(50);
    expect([f.resizes, f.replicaChanges, f.restarts]).toEqual([1, 1, 1]);
    expect(f.sloViolationPct).toBe(0);
    expect(f.belowBoundWindows).toBe(0);
  });

  it('counts windows met with fewer cores than the bound, not those it violated', () => {
    // 2 cores allocated throughout; the bound says 3 in both windows; the second window is violated.
    const s = series(60, (i) => (i < 30 ? 0.1 : 0.5));
    const f = computeFigures({ ...rec, services: [s] }, 'w', [
      { service: 'svc', windows: [window(0, 3), window(30, 3)] },
    ]);
    expect(f.belowBoundWindows).toBe(1);
  });
});
