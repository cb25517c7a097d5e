import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BoundInput, meetsWindow, runBound, windowBound } from '../../../../bench/baselines/bound.ts';
import { buildContender, scenarioFor } from '../../../../bench/quality/contenders.ts';
import { computeFigures } from '../../../../bench/quality/figures.ts';
import { serviceBounds } from '../../../../bench/quality/run-job.ts';
import { buildScenario } from '../../../../bench/quality/workloads.ts';
import { runDiscrete } from '../../../../sim/discrete/engine.ts';
import { unitShape } from '../../../../sim/model/rt-distribution.ts';

const MI = 1024 * 1024;

function input(arrivals: number[], overrides: Partial<BoundInput['sla']> = {}): BoundInput {
  return {
    arrivals,
    stepSeconds: 1,
    params: {
      cpuSecondsPerRequest: 0.02,
      shape: unitShape({ kind: 'exponential' }),
      baseMemoryBytes: 96 * MI,
      memoryPerRequestBytes: 0,
      timeoutSeconds: 10,
    },
    sla: {
      sloSeconds: 0.2,
      statistic: 'p95',
      minCpuMilli: 100,
      maxCpuMilli: 2000,
      minReplicas: 1,
      maxReplicas: 10,
      ...overrides,
    },
  };
}

const steady = (rps: number, steps = 30) => Array.from({ length: steps }, () => rps);

describe('per-window lower bound', () => {
  it('at a steady 30 rps finds one pod near the M/M/1-PS need λD + 3D/SLO = 0.9 core', () => {
    // The replay starts empty, so the window needs a little less than the steady state.
    const b = windowBound(input(steady(30)), 0, 30);
    expect(b).toMatchObject({ replicas: 1, met: true });
    expect(b.cores).toBeGreaterThan(0.85);
    expect(b.cores).toBeLessThanOrEqual(0.9);
    expect(meetsWindow(input(steady(30)), 0, 30, 1, b.cpuMilliPerPod)).toBe(true);
    expect(meetsWindow(input(steady(30)), 0, 30, 1, b.cpuMilliPerPod - 2)).toBe(false);
  });

  it('takes the fewest pods the per-pod maximum allows (150 rps: 2 pods of 75 rps, 1.8 cores each)', () => {
    const b = windowBound(input(steady(150)), 0, 30);
    expect(b.replicas).toBe(2);
    expect(b.cores).toBeGreaterThan(3.4);
    expect(b.cores).toBeLessThanOrEqual(3.6);
  });

  it('honours the floor of minimum replicas × minimum CPU, and says when nothing allowed meets a window', () => {
    expect(windowBound(input(steady(0), { minReplicas: 2 }), 0, 30)).toMatchObject({
      replicas: 2,
      cores: 0.2,
      met: true,
    });
    expect(windowBound(input(steady(1200)), 0, 30)).toMatchObject({ replicas: 10, cores: 20, met: false });
  });

  it('bounds every window of a run separately, the last one shorter', () => {
    const windows = runBound(input([...steady(10), ...steady(100)]), 30);
    expect(windows.map((w) => [w.fromStep, w.toStep])).toEqual([
      [0, 30],
      [30, 60],
    ]);
    expect(windows[1]!.cores).toBeGreaterThan(windows[0]!.cores);
  });

  it('no constant allocation of equal pods meets a window with fewer cores than the bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 160 }), { minLength: 30, maxLength: 30 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 100, max: 2000 }),
        (arrivals, replicas, cpuMilli) => {
          const i = input(arrivals);
          if (!meetsWindow(i, 0, 30, replicas, cpuMilli)) return;
          const b = windowBound(i, 0, 30);
          expect((replicas * cpuMilli) / 1000).toBeGreaterThanOrEqual(b.cores - (b.replicas * 1) / 1000);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  // Burstable pods are left out: they run on idle node CPU up to their limit and are charged only
  // max(request, used), so their capacity exceeds their charge (docs/benchmark.md).
  it('no contender with Guaranteed pods meets a window of a run with fewer cores than the bound there', async () => {
    const duration = 600;
    const base = await buildScenario('step', duration, 42);
    let bound: ReturnType<typeof serviceBounds> | undefined;
    const offered: Float64Array[] = [];
    for (const name of ['kosmos', 'kosmos-sigma1', 'hpa-cpu50', 'hpa-rt', 'static-x2']) {
      const scenario = scenarioFor(name, base);
      const controller = await buildContender(name, scenario, duration);
      const rec = runDiscrete(scenario, {
        controller: controller!,
        durationSeconds: duration,
        recordPods: false,
      });
      offered.push(rec.services[0]!.offeredRps);
      bound ??= serviceBounds(scenario, rec, `test-${name}`);
      const f = computeFigures(rec, 'step', bound);
      expect({ name, below: f.belowBoundWindows }).toEqual({ name, below: 0 });
      expect(f.vsBound).toBeGreaterThan(1);
    }
    // The bound is computed once per workload and seed: every contender saw the same arrivals.
    for (const o of offered) expect(Array.from(o)).toEqual(Array.from(offered[0]!));
  });
});
