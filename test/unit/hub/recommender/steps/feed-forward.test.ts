import { describe, expect, it } from 'vitest';
import {
  feedForward,
  predictRequestRate,
  rateStatistics,
} from '../../../../../hub/src/recommender/steps/feed-forward.ts';

describe('rateStatistics (running mean and variance of the window rate)', () => {
  it.each([
    { name: 'first window sets the mean', prev: {}, rate: 10, sampled: true, mean: 10, variance: 0 },
    {
      name: 'later windows move it by the weight',
      prev: { rateMean: 10, rateVariance: 0 },
      rate: 20,
      sampled: true,
      mean: 15,
      variance: 0.5 * (0 + 0.5 * 100),
    },
    {
      name: 'variance builds on the previous one',
      prev: { rateMean: 10, rateVariance: 4 },
      rate: 10,
      sampled: true,
      mean: 10,
      variance: 2,
    },
    {
      name: 'a pegged or draining window keeps both',
      prev: { rateMean: 10, rateVariance: 4 },
      rate: 50,
      sampled: false,
      mean: 10,
      variance: 4,
    },
    { name: 'not sampled and nothing yet', prev: {}, rate: 50, sampled: false, mean: undefined, variance: 0 },
  ])('$name', ({ prev, rate, sampled, mean, variance }) => {
    const r = rateStatistics(0.5, prev, rate, sampled);
    expect(r.rateMean).toBe(mean);
    expect(r.rateVariance).toBeCloseTo(variance, 12);
    expect(r.rateDeviation).toBeCloseTo(Math.sqrt(variance), 12);
  });
});

describe('predictRequestRate (the rate the next window is planned for)', () => {
  const tuning = { rateTrendGain: 0.5, rateNoiseSigmas: 2 };
  it.each([
    { name: 'rate + 2σ Poisson noise', rate: 20, period: 5, prev: {}, stats: {}, noise: 4, predicted: 24 },
    {
      name: 'plus half the rise since the last window',
      rate: 20,
      period: 5,
      prev: { previousRequestRate: 10 },
      stats: {},
      noise: 4,
      predicted: 29,
    },
    {
      name: 'a fall adds no trend',
      rate: 20,
      period: 5,
      prev: { previousRequestRate: 30 },
      stats: {},
      noise: 4,
      predicted: 24,
    },
    {
      name: 'no trend while draining',
      rate: 20,
      period: 5,
      prev: { previousRequestRate: 10, draining: true },
      stats: {},
      noise: 4,
      predicted: 24,
    },
    {
      name: 'bursty history: mean + 2σ wins',
      rate: 20,
      period: 5,
      prev: {},
      stats: { rateMean: 25, rateDeviation: 5 },
      noise: 4,
      predicted: 35,
    },
    {
      name: 'a zero period counts as 1 ms',
      rate: 0.004,
      period: 0,
      prev: {},
      stats: {},
      noise: 4,
      predicted: 4.004,
    },
  ])('$name', ({ rate, period, prev, stats, noise, predicted }) => {
    const r = predictRequestRate(tuning, { requestRate: rate, periodSeconds: period }, prev, {
      rateMean: undefined,
      rateDeviation: 0,
      ...stats,
    });
    expect(r.rateNoiseMargin).toBeCloseTo(noise, 12);
    expect(r.predictedRequestRate).toBeCloseTo(predicted, 12);
  });
});

describe('feedForward (load + queueing headroom)', () => {
  it.each([
    {
      name: 'predicted load + cost / mean target',
      usage: 100,
      rate: 10,
      cost: 20,
      correction: 1,
      load: 200,
      headroom: 200,
    },
    {
      name: 'the learned correction scales the headroom',
      usage: 100,
      rate: 10,
      cost: 20,
      correction: 2,
      load: 200,
      headroom: 400,
    },
    {
      name: 'a learned non-CPU floor leaves the queueing delay less of the target',
      usage: 100,
      rate: 10,
      cost: 20,
      correction: 1,
      floor: 0.15,
      load: 200,
      headroom: 400,
    },
    {
      name: 'a floor above the target: the queueing delay keeps half of it',
      usage: 100,
      rate: 10,
      cost: 20,
      correction: 1,
      floor: 0.5,
      load: 200,
      headroom: 400,
    },
    {
      name: 'never below the usage seen',
      usage: 500,
      rate: 10,
      cost: 20,
      correction: 1,
      load: 500,
      headroom: 200,
    },
    {
      name: 'no cost model: nothing',
      usage: 100,
      rate: 10,
      cost: undefined,
      correction: 1,
      load: undefined,
      headroom: undefined,
    },
  ])('$name', ({ usage, rate, cost, correction, floor, load, headroom }) => {
    // Mean target 0.1 s: the statistic (p95, factor 3) aimed at 0.3 s.
    const r = feedForward(
      { queueingTargetFraction: 0.5 },
      { usageCpuMilli: usage, targetResponseSeconds: 0.3, statisticFactor: 3 },
      rate,
      cost,
      { modelCorrection: correction, latencyFloorSeconds: floor ?? 0 },
    );
    expect(r.loadCpuMilli).toBe(load);
    if (headroom === undefined) expect(r.headroomCpuMilli).toBeUndefined();
    else expect(r.headroomCpuMilli).toBeCloseTo(headroom, 9);
    if (load === undefined || headroom === undefined) expect(r.feedForwardCpuMilli).toBeUndefined();
    else expect(r.feedForwardCpuMilli).toBeCloseTo(load + headroom, 9);
  });
});
