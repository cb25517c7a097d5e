import { describe, expect, it } from 'vitest';
import { PodQueue, type WorkloadParams } from '../../../../sim/model/pod-queue.ts';
import { Prng } from '../../../../sim/model/prng.ts';
import { RtMixture, unitShape } from '../../../../sim/model/rt-distribution.ts';
import { sampleArrivals } from '../../../../sim/model/traffic.ts';

const exponential = unitShape({ kind: 'exponential' });

function params(over: Partial<WorkloadParams> = {}): WorkloadParams {
  return {
    cpuSecondsPerRequest: 0.02,
    shape: exponential,
    baseMemoryBytes: 100e6,
    memoryPerRequestBytes: 1e6,
    timeoutSeconds: 10,
    ...over,
  };
}

/** Runs a pod at a constant rate and returns completion-weighted mean RT and mean used cores. */
function steady(rho: number, capacityCores: number, demand: number, steps: number) {
  const q = new PodQueue(params({ cpuSecondsPerRequest: demand }));
  const rate = (rho * capacityCores) / demand;
  let done = 0;
  let rtWeighted = 0;
  let used = 0;
  let measured = 0;
  for (let t = 0; t < steps; t++) {
    const r = q.step({ arrivals: rate, capacityCores, dtSeconds: 1 });
    if (t < steps / 2) continue;
    done += r.completions;
    rtWeighted += r.completions * r.meanRtSeconds;
    used += r.usedCores;
    measured++;
  }
  return { meanRt: rtWeighted / done, usedCores: used / measured, inFlight: q.inFlight };
}

describe('PodQueue (processor sharing, fluid)', () => {
  it.each([0.3, 0.5, 0.8, 0.95])('matches the M/M/1-PS mean response time S/(1−ρ) at ρ=%s', (rho) => {
    const demand = 0.02;
    const capacity = 0.5;
    const { meanRt, usedCores, inFlight } = steady(rho, capacity, demand, 400);
    const serviceTime = demand / capacity;
    expect(meanRt).toBeCloseTo(serviceTime / (1 - rho), 6);
    expect(usedCores).toBeCloseTo(rho * capacity, 6);
    expect(inFlight).toBeCloseTo(rho / (1 - rho), 6);
  });

  it('stays within 2% of S/(1−ρ) over time when the pod is slow to relax (μΔt small)', () => {
    const { meanRt } = steady(0.8, 0.1, 0.05, 4000);
    expect(Math.abs(meanRt / (0.5 / 0.2) - 1)).toBeLessThan(0.02);
  });

  it('keeps the long-run mean with Poisson arrivals close to the formula at low load', () => {
    const q = new PodQueue(params());
    const rng = new Prng(7);
    let done = 0;
    let rtWeighted = 0;
    for (let t = 0; t < 20_000; t++) {
      const r = q.step({ arrivals: sampleArrivals(15, 1, 'poisson', rng), capacityCores: 1, dtSeconds: 1 });
      done += r.completions;
      rtWeighted += r.completions * r.meanRtSeconds;
    }
    expect(Math.abs(rtWeighted / done / (0.02 / 0.7) - 1)).toBeLessThan(0.06);
  });

  it('conserves requests: arrivals = completions + dropped + change in the pod', () => {
    const q = new PodQueue(params({ timeoutSeconds: 1 }));
    let arrived = 0;
    let accounted = 0;
    for (let t = 0; t < 300; t++) {
      const rate = t < 100 ? 30 : t < 200 ? 120 : 10;
      const r = q.step({ arrivals: rate, capacityCores: 1, dtSeconds: 1 });
      arrived += r.arrivals;
      accounted += r.completions + r.dropped;
    }
    expect(arrived).toBeCloseTo(accounted + q.inFlight, 6);
  });

  it('grows the backlog under overload and bounds response time by the timeout, dropping the excess', () => {
    const q = new PodQueue(params({ timeoutSeconds: 2 }));
    const rts: number[] = [];
    let lateDropped = 0;
    for (let t = 0; t < 60; t++) {
      const r = q.step({ arrivals: 75, capacityCores: 1, dtSeconds: 1 }); // ρ = 1.5
      rts.push(r.meanRtSeconds);
      if (t >= 30) lateDropped += r.dropped;
      expect(r.usedCores).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(rts[5]!).toBeGreaterThan(rts[0]!);
    expect(Math.max(...rts)).toBeLessThanOrEqual(2 + 1e-9);
    expect(rts.at(-1)!).toBeGreaterThan(1.9);
    // once full, the excess over capacity (75 − 50·N/(1+N) per second, N = 99) is rejected
    expect(Math.abs(lateDropped / 30 - (75 - 50 * (99 / 100)))).toBeLessThan(0.1);
  });

  it('throttles more as the quota nears the demand', () => {
    const at = (capacityCores: number) => {
      const q = new PodQueue(params());
      let r = q.step({ arrivals: 40, capacityCores, dtSeconds: 1 });
      for (let t = 0; t < 20; t++) r = q.step({ arrivals: 40, capacityCores, dtSeconds: 1 });
      return r.throttledPeriods / r.cfsPeriods;
    };
    expect(at(4)).toBeLessThan(0.01);
    expect(at(1)).toBeGreaterThan(at(2));
    expect(at(0.7)).toBeGreaterThan(0.99);
  });

  it('reports working set as base plus memory per request in the pod', () => {
    const q = new PodQueue(params());
    let r = q.step({ arrivals: 40, capacityCores: 1, dtSeconds: 1 });
    for (let t = 0; t < 50; t++) r = q.step({ arrivals: 40, capacityCores: 1, dtSeconds: 1 });
    expect(r.workingSetBytes).toBeCloseTo(100e6 + 1e6 * 4, -2); // N = ρ/(1−ρ) = 4
    expect(q.reset()).toBeCloseTo(4, 6);
    expect(q.inFlight).toBe(0);
  });

  it('serves nothing and drops everything without CPU', () => {
    const q = new PodQueue(params());
    const r = q.step({ arrivals: 10, capacityCores: 0, dtSeconds: 1 });
    expect(r.completions).toBe(0);
    expect(r.dropped).toBeCloseTo(10, 9);
    expect(Number.isNaN(r.meanRtSeconds)).toBe(true);
  });
});

describe('response-time percentiles of a step', () => {
  it('equal the demand shape scaled by the mean (exponential: p95 = 3·mean)', () => {
    const m = new RtMixture(exponential);
    m.add(100, 0.05);
    const s = m.summary()!;
    expect(s.meanSeconds).toBeCloseTo(0.05, 12);
    expect(s.p50Seconds).toBeCloseTo(0.05 * Math.LN2, 9);
    expect(s.p95Seconds).toBeCloseTo(0.05 * -Math.log(0.05), 9);
  });
});
