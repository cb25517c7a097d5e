import { describe, expect, it } from 'vitest';
import { RECOMMENDER_DEFAULTS } from '../../../../../hub/src/recommender/defaults.ts';
import { identifyCorrection } from '../../../../../hub/src/recommender/steps/feedback.ts';

const tuning = RECOMMENDER_DEFAULTS.tuning;
// 1500m enacted, 1000m used, 20 core-ms per request, mean statistic: the model predicts 20/500 = 40 ms.
const window = {
  trains: true,
  idle: false,
  violating: false,
  utilization: 1000 / 1500,
  enactedCpuMilli: 1500,
  usageCpuMilli: 1000,
  responseTimeSeconds: 0.04,
  statisticFactor: 1,
};
const model = {
  previousCorrection: 1,
  cpuCostMilliSecondsPerRequest: 20,
  hiddenDemand: false,
  draining: false,
};

describe('identifyCorrection (feedback on the queueing model error)', () => {
  it.each([
    { name: 'model exact: stays 1', w: {}, m: {}, sample: 1, correction: 1 },
    {
      name: 'twice as slow as modelled: rises in one step',
      w: { responseTimeSeconds: 0.08 },
      m: {},
      sample: 2,
      correction: 2,
    },
    {
      name: 'twice as fast: falls slowly (gain 0.3)',
      w: { responseTimeSeconds: 0.02 },
      m: {},
      sample: 0.5,
      correction: 0.5 ** 0.3,
    },
    {
      name: 'sample clamped to the correction bounds',
      w: { responseTimeSeconds: 4 },
      m: {},
      sample: 8,
      correction: 8,
    },
    {
      name: 'below the band: a better pod teaches nothing',
      w: { utilization: 0.2, usageCpuMilli: 300 },
      m: {},
      sample: undefined,
      correction: 1,
    },
    {
      name: 'below the band but violating: a sample, lowering not trusted',
      w: { utilization: 0.2, usageCpuMilli: 300, violating: true, responseTimeSeconds: 0.001 },
      m: {},
      sample: 0.25,
      correction: 1,
    },
    {
      name: 'below the band but violating: raising is',
      w: { utilization: 0.2, usageCpuMilli: 300, violating: true, responseTimeSeconds: 0.05 },
      m: {},
      sample: 0.05 / (20 / 1200),
      correction: 0.05 / (20 / 1200),
    },
    {
      name: 'at the top of the band: not identifiable',
      w: { utilization: 0.97 },
      m: {},
      sample: undefined,
      correction: 1,
    },
    {
      name: 'hidden demand: not steady state',
      w: { responseTimeSeconds: 0.08 },
      m: { hiddenDemand: true },
      sample: undefined,
      correction: 1,
    },
    {
      name: 'draining: not steady state',
      w: { responseTimeSeconds: 0.08 },
      m: { draining: true },
      sample: undefined,
      correction: 1,
    },
    { name: 'idle window', w: { idle: true }, m: {}, sample: undefined, correction: 1 },
    { name: 'window does not train', w: { trains: false }, m: {}, sample: undefined, correction: 1 },
    {
      name: 'no cost model yet',
      w: {},
      m: { cpuCostMilliSecondsPerRequest: undefined },
      sample: undefined,
      correction: 1,
    },
    {
      name: 'keeps a previous correction when nothing is identified',
      w: { idle: true },
      m: { previousCorrection: 3 },
      sample: undefined,
      correction: 3,
    },
  ])('$name', ({ w, m, sample, correction }) => {
    const r = identifyCorrection(tuning, { ...window, ...w }, { ...model, ...m });
    if (sample === undefined) expect(r.correctionSample).toBeUndefined();
    else expect(r.correctionSample).toBeCloseTo(sample, 9);
    expect(r.modelCorrection).toBeCloseTo(correction, 9);
  });
});
