import { describe, expect, it } from 'vitest';
import { RECOMMENDER_DEFAULTS } from '../../../../../hub/src/recommender/defaults.ts';
import { identifyCorrection, solveLatencyFit } from '../../../../../hub/src/recommender/steps/feedback.ts';
import type { LatencyFit } from '../../../../../hub/src/recommender/types.ts';

const tuning = { ...RECOMMENDER_DEFAULTS.tuning, latencyFitSmoothing: 0.2, latencyFitPrior: 0.1 };
// A weak prior where a test checks what the windows identify.
const weakPrior = { ...tuning, latencyFitPrior: 0.001 };
// 1500m enacted, 1000m used, 20 core-ms per request, mean statistic aimed at 80 ms: the model
// predicts 20/500 = 40 ms (x = 0.5 of the target).
const window = {
  trains: true,
  idle: false,
  violating: false,
  utilization: 1000 / 1500,
  enactedCpuMilli: 1500,
  usageCpuMilli: 1000,
  responseTimeSeconds: 0.04,
  statisticFactor: 1,
  targetResponseSeconds: 0.08,
};
const model = {
  previousCorrection: 1,
  previousFloorSeconds: undefined,
  previousFit: undefined,
  cpuCostMilliSecondsPerRequest: 20,
  hiddenDemand: false,
  draining: false,
};

/** Feeds windows of the given idle capacity and observed statistic one after the other. */
function learn(windows: Array<{ idle: number; rt: number }>, t = tuning) {
  let m: Parameters<typeof identifyCorrection>[2] = model;
  let r = identifyCorrection(t, window, m);
  for (const w of windows) {
    r = identifyCorrection(
      t,
      {
        ...window,
        usageCpuMilli: 1500 - w.idle,
        utilization: (1500 - w.idle) / 1500,
        responseTimeSeconds: w.rt,
      },
      m,
    );
    m = {
      ...m,
      previousCorrection: r.modelCorrection,
      previousFloorSeconds: r.latencyFloorSeconds,
      previousFit: r.latencyFit,
    };
  }
  return r;
}

describe('solveLatencyFit (RT = floor + r·x, ridge toward floor 0, r 1)', () => {
  const exact = (points: Array<[number, number]>): LatencyFit => {
    const n = points.length;
    return {
      weight: 1,
      x: points.reduce((s, [x]) => s + x, 0) / n,
      y: points.reduce((s, [, y]) => s + y, 0) / n,
      xx: points.reduce((s, [x]) => s + x * x, 0) / n,
      xy: points.reduce((s, [x, y]) => s + x * y, 0) / n,
    };
  };
  const noPrior = { ...tuning, latencyFitPrior: 1e-9 };
  it.each([
    {
      name: 'the model exact',
      points: [
        [0.2, 0.2],
        [0.6, 0.6],
      ] as Array<[number, number]>,
      floor: 0,
      r: 1,
    },
    {
      name: 'twice as slow',
      points: [
        [0.2, 0.4],
        [0.6, 1.2],
      ] as Array<[number, number]>,
      floor: 0,
      r: 2,
    },
    {
      name: 'a floor of 0.5 beside an exact model',
      points: [
        [0.2, 0.7],
        [0.6, 1.1],
      ] as Array<[number, number]>,
      floor: 0.5,
      r: 1,
    },
    {
      name: 'RT falling with less CPU: r at its minimum, the floor takes the rest',
      points: [
        [0.2, 1],
        [0.6, 0.5],
      ] as Array<[number, number]>,
      floor: 0.65,
      r: 0.25,
    },
    {
      name: 'a negative floor is cut to 0',
      points: [
        [0.2, 0.1],
        [0.6, 1.1],
      ] as Array<[number, number]>,
      floor: 0,
      r: 1.0 / 0.4,
    },
  ])('$name', ({ points, floor, r }) => {
    const fit = solveLatencyFit(noPrior, exact(points));
    expect(fit.floor).toBeCloseTo(floor, 4);
    if (points[0]![1] === 0.1) {
      // Cut to floor 0: r is the least-squares slope through the origin.
      const f = exact(points);
      expect(fit.correction).toBeCloseTo(f.xy / f.xx, 4);
    } else expect(fit.correction).toBeCloseTo(r, 4);
  });

  it('one operating point: the prior splits the error, both explaining the same RT there', () => {
    const fit = solveLatencyFit(tuning, exact([[0.5, 1]]));
    expect(fit.floor).toBeGreaterThan(0);
    expect(fit.correction).toBeGreaterThan(1);
    expect(fit.floor + fit.correction * 0.5).toBeCloseTo(1, 1);
  });
});

describe('identifyCorrection (feedback on the queueing model error)', () => {
  it.each([
    { name: 'idle window', w: { idle: true }, m: {} },
    { name: 'window does not train', w: { trains: false }, m: {} },
    { name: 'no cost model yet', w: {}, m: { cpuCostMilliSecondsPerRequest: undefined } },
    { name: 'at the top of the band: not identifiable', w: { utilization: 0.97 }, m: {} },
    { name: 'hidden demand: not steady state', w: { responseTimeSeconds: 0.08 }, m: { hiddenDemand: true } },
    { name: 'draining: not steady state', w: { responseTimeSeconds: 0.08 }, m: { draining: true } },
    {
      name: 'keeps a previous correction and floor',
      w: { idle: true },
      m: { previousCorrection: 3, previousFloorSeconds: 0.02 },
    },
  ])('identifies nothing: $name', ({ w, m }) => {
    const mm = { ...model, ...m };
    const r = identifyCorrection(tuning, { ...window, ...w }, mm);
    expect(r.correctionSample).toBeUndefined();
    expect(r.modelCorrection).toBe(mm.previousCorrection);
    expect(r.latencyFloorSeconds).toBe(mm.previousFloorSeconds ?? 0);
    expect(r.latencyFit).toBeUndefined();
  });

  it('model exact: stays 1 with no floor', () => {
    const r = learn([{ idle: 500, rt: 0.04 }]);
    expect(r.correctionSample).toBeCloseTo(1, 9);
    expect(r.modelCorrection).toBeCloseTo(1, 9);
    expect(r.latencyFloorSeconds).toBeCloseTo(0, 9);
  });

  it('twice as slow as modelled at varying CPU: learns r → 2, no floor', () => {
    const windows = Array.from({ length: 40 }, (_, i) => {
      const idle = i % 2 === 0 ? 250 : 750;
      return { idle, rt: (2 * 20) / idle };
    });
    const r = learn(windows, weakPrior);
    expect(r.modelCorrection).toBeCloseTo(2, 1);
    expect(r.latencyFloorSeconds).toBeLessThan(0.002);
  });

  it('a fixed non-CPU latency is learned as the floor, not as a model error that more CPU would fix', () => {
    // RT = 30 ms downstream + the exact model: r stays near 1 however much idle CPU is seen.
    const windows = Array.from({ length: 40 }, (_, i) => {
      const idle = i % 2 === 0 ? 250 : 1000;
      return { idle, rt: 0.03 + 20 / idle };
    });
    const r = learn(windows, weakPrior);
    expect(r.latencyFloorSeconds).toBeCloseTo(0.03, 2);
    expect(r.modelCorrection).toBeCloseTo(1, 1);
  });

  it('symmetric: a rise learned from one slow window is unlearned by fast ones, at any utilization', () => {
    const up = learn([{ idle: 500, rt: 0.16 }]);
    expect(up.modelCorrection).toBeGreaterThan(1);
    const back = learn([
      { idle: 500, rt: 0.16 },
      ...Array.from({ length: 30 }, () => ({ idle: 1400, rt: 20 / 1400 })),
    ]);
    expect(back.modelCorrection).toBeLessThan(up.modelCorrection);
    expect(back.latencyFloorSeconds + back.modelCorrection * (20 / 1400)).toBeCloseTo(20 / 1400, 2);
  });

  it('sample clamped to the correction bounds', () => {
    const r = identifyCorrection(tuning, { ...window, responseTimeSeconds: 4 }, model);
    expect(r.correctionSample).toBe(tuning.correction.max);
  });

  it('a window far beyond the prediction (a drained backlog) counts one target: it moves the fit a bounded step', () => {
    const steady = Array.from({ length: 20 }, (_, i) => ({
      idle: i % 2 === 0 ? 250 : 750,
      rt: 20 / (i % 2 === 0 ? 250 : 750),
    }));
    const r = learn([...steady, { idle: 500, rt: 15 }], weakPrior);
    // Unclipped, y = 15 / 0.08 = 187 would pull r to its maximum and the floor far past the target.
    expect(r.modelCorrection).toBeLessThan(tuning.correction.max);
    expect(r.latencyFloorSeconds).toBeLessThanOrEqual(
      (1 - tuning.queueingTargetFraction) * window.targetResponseSeconds + 1e-12,
    );
  });
});
