import { describe, expect, it } from 'vitest';
import { replicasNeeded } from '../../../../../hub/src/horizontal/steps/needed.ts';

const config = { scaleUpFill: 0.8, scaleDownFill: 0.6 };
const shape = {
  minReplicas: 1,
  maxReplicas: 10,
  maxCpuMilliPerPod: 1000,
  perPodHeadroomCpuMilli: 0,
  effectiveCappedCpuMilli: 0,
};

describe('replicasNeeded (N(f) = ceil(load / (f·max − headroom)))', () => {
  it.each([
    {
      name: 'demand at 80 % and 60 % fill',
      demand: 3000,
      pods: 3,
      s: {},
      forDemand: 4,
      toFitFewer: 5,
      forUnmet: 3,
    },
    { name: 'no demand: the minimum', demand: 0, pods: 3, s: {}, forDemand: 1, toFitFewer: 1, forUnmet: 3 },
    {
      name: 'per-pod headroom comes off the demand and the fill',
      demand: 2000,
      pods: 2,
      s: { perPodHeadroomCpuMilli: 200 },
      forDemand: 3,
      toFitFewer: 4,
      forUnmet: 3,
    },
    {
      name: 'headroom larger than a pod: the maximum',
      demand: 5000,
      pods: 2,
      s: { perPodHeadroomCpuMilli: 900 },
      forDemand: 10,
      toFitFewer: 10,
      forUnmet: 3,
    },
    {
      name: 'unmet CPU adds replicas at 80 % fill',
      demand: 1000,
      pods: 3,
      s: { effectiveCappedCpuMilli: 1700 },
      forDemand: 2,
      toFitFewer: 2,
      forUnmet: 6,
    },
    {
      name: 'never below the minimum',
      demand: 100,
      pods: 1,
      s: { minReplicas: 2 },
      forDemand: 2,
      toFitFewer: 2,
      forUnmet: 3,
    },
  ])('$name', ({ demand, pods, s, forDemand, toFitFewer, forUnmet }) => {
    const input = {
      demandCpuMilli: demand,
      readyReplicas: 3,
      pods: Array.from({ length: pods }, () => ({}) as never),
    };
    expect(replicasNeeded(config, input, { ...shape, ...s })).toEqual({
      neededForDemand: forDemand,
      neededToFitFewer: toFitFewer,
      neededForUnmet: forUnmet,
    });
  });
});
