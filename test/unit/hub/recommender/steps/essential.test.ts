import { describe, expect, it } from 'vitest';
import { RECOMMENDER_DEFAULTS } from '../../../../../hub/src/recommender/defaults.ts';
import { essentialCpu, essentialFromState } from '../../../../../hub/src/recommender/steps/essential.ts';

// The objective itself (not slo / sloMargin): 20 core-ms at a mean 200 ms is 100m of headroom.
const config = { sloSeconds: 0.2, statistic: 'mean', tuning: RECOMMENDER_DEFAULTS.tuning } as const;

describe('essentialCpu (what the SLO takes at the mean rate, no margins)', () => {
  it.each([
    { name: 'mean load + headroom', rate: 10, cost: 20, correction: 1, essential: 300 },
    { name: 'correction scales the headroom', rate: 10, cost: 20, correction: 2, essential: 400 },
    { name: 'no traffic: the headroom one request needs', rate: 0, cost: 20, correction: 1, essential: 100 },
    {
      name: 'a non-CPU floor of 50 ms leaves 150 ms to the queueing delay',
      rate: 10,
      cost: 20,
      correction: 1,
      floor: 0.05,
      essential: 200 + 20 / 0.15,
    },
    { name: 'no model: none', rate: 10, cost: undefined, correction: 1, essential: undefined },
  ])('$name', ({ rate, cost, correction, floor, essential }) => {
    const e = essentialCpu(config, rate, cost, { correction, latencyFloorSeconds: floor ?? 0 });
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
