import { describe, expect, it } from 'vitest';
import { essentialCpu, essentialFromState } from '../../../../../hub/src/recommender/steps/essential.ts';

// The objective itself (not slo / sloMargin): 20 core-ms at a mean 200 ms is 100m of headroom.
const config = { sloSeconds: 0.2, statistic: 'mean' } as const;

describe('essentialCpu (what the SLO takes at the mean rate, no margins)', () => {
  it.each([
    { name: 'mean load + headroom', rate: 10, cost: 20, correction: 1, essential: 300 },
    { name: 'correction scales the headroom', rate: 10, cost: 20, correction: 2, essential: 400 },
    { name: 'no traffic: the headroom one request needs', rate: 0, cost: 20, correction: 1, essential: 100 },
    { name: 'no model: none', rate: 10, cost: undefined, correction: 1, essential: undefined },
  ])('$name', ({ rate, cost, correction, essential }) => {
    const e = essentialCpu(config, rate, cost, correction);
    if (essential === undefined) expect(e).toBeUndefined();
    else expect(e).toBeCloseTo(essential, 9);
  });

  it.each([
    {
      name: 'from the state a pod was left with',
      state: {
        steps: 3,
        modelCorrection: 1,
        workingSetStableSteps: 0,
        rateMean: 10,
        cpuCostMilliSecondsPerRequest: 20,
      },
      essential: 300,
    },
    {
      name: 'no rate mean yet',
      state: { steps: 3, modelCorrection: 1, workingSetStableSteps: 0, cpuCostMilliSecondsPerRequest: 20 },
      essential: undefined,
    },
    { name: 'no state', state: undefined, essential: undefined },
  ])('$name', ({ state, essential }) => {
    const e = essentialFromState(config, state);
    if (essential === undefined) expect(e).toBeUndefined();
    else expect(e).toBeCloseTo(essential, 9);
  });
});
