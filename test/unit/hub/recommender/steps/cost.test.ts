import { describe, expect, it } from 'vitest';
import { learnCost } from '../../../../../hub/src/recommender/steps/cost.ts';

describe('learnCost (core-ms per request, EWMA of usage / rate)', () => {
  it.each([
    {
      name: 'first sample is taken whole',
      previous: undefined,
      trains: true,
      usage: 600,
      rate: 20,
      sample: 30,
      cost: 30,
    },
    {
      name: 'later samples move by the smoothing weight',
      previous: 30,
      trains: true,
      usage: 400,
      rate: 20,
      sample: 20,
      cost: 27,
    },
    {
      name: 'a window that does not train keeps the cost',
      previous: 30,
      trains: false,
      usage: 400,
      rate: 20,
      sample: undefined,
      cost: 30,
    },
    {
      name: 'no model and no training window: none',
      previous: undefined,
      trains: false,
      usage: 400,
      rate: 20,
      sample: undefined,
      cost: undefined,
    },
  ])('$name', ({ previous, trains, usage, rate, sample, cost }) => {
    const r = learnCost(0.3, previous, { trains, usageCpuMilli: usage, requestRate: rate });
    expect(r.costSampleMilliSecondsPerRequest).toBe(sample);
    if (cost === undefined) expect(r.cpuCostMilliSecondsPerRequest).toBeUndefined();
    else expect(r.cpuCostMilliSecondsPerRequest).toBeCloseTo(cost, 12);
  });
});
