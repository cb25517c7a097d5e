import { describe, expect, it } from 'vitest';
import { RECOMMENDER_DEFAULTS } from '../../../../../hub/src/recommender/defaults.ts';
import { recommendMemory } from '../../../../../hub/src/recommender/steps/memory.ts';
import type { MemoryRule, PodSignal, RecommenderState } from '../../../../../hub/src/recommender/types.ts';

const MI = 1024 * 1024;
const tuning = RECOMMENDER_DEFAULTS.tuning; // margin 50 %, floor 64Mi, OOM +50 % or +128Mi, shrink ≤ 10 %
const signal = (enactedMi: number, workingSetMi: number, over: Partial<PodSignal> = {}): PodSignal => ({
  periodSeconds: 5,
  enactedCpuMilli: 1000,
  enactedMemoryBytes: enactedMi * MI,
  cpuUsageMilli: 500,
  throttledRatio: 0,
  requestRate: 10,
  requestCount: 50,
  memoryWorkingSetBytes: workingSetMi * MI,
  oomKilled: false,
  ...over,
});
const stable = (
  steps: number,
  workingSetMi = 200,
  over: Partial<RecommenderState> = {},
): RecommenderState => ({
  steps: 10,
  modelCorrection: 1,
  previousWorkingSetBytes: workingSetMi * MI,
  workingSetStableSteps: steps,
  ...over,
});

describe('recommendMemory (working set + margin, OOM bump, slow safe decrease)', () => {
  it.each<{
    name: string;
    enacted: number;
    ws: number;
    over?: Partial<PodSignal>;
    state: RecommenderState;
    rule: MemoryRule;
    mi: number;
  }>([
    {
      name: 'grows to peak·1.5 + 64Mi at once',
      enacted: 256,
      ws: 200,
      state: stable(0),
      rule: 'working-set',
      mi: 364,
    },
    {
      name: 'an OOM kill bumps by the larger of +50 % and +128Mi',
      enacted: 400,
      ws: 200,
      over: { oomKilled: true },
      state: stable(0),
      rule: 'oom-bump',
      mi: 600,
    },
    {
      name: 'an OOM kill on a small pod bumps by 128Mi',
      enacted: 128,
      ws: 100,
      over: { oomKilled: true },
      state: stable(0, 100),
      rule: 'oom-bump',
      mi: 256,
    },
    {
      name: 'within the deadband above need: hold',
      enacted: 380,
      ws: 200,
      state: stable(9),
      rule: 'hold',
      mi: 380,
    },
    {
      name: 'above need but the working set moved: hold',
      enacted: 1000,
      ws: 200,
      state: stable(9, 100),
      rule: 'unstable-hold',
      mi: 1000,
    },
    {
      name: 'above need, stable for 6 steps: shrink by at most half',
      enacted: 1000,
      ws: 200,
      state: stable(5),
      rule: 'decrease-limited',
      mi: 500,
    },
    {
      name: 'above need, stable, close: down to need',
      enacted: 400,
      ws: 200,
      state: stable(5),
      rule: 'working-set',
      mi: 364,
    },
    {
      name: 'never within 60 steps of an OOM kill',
      enacted: 1000,
      ws: 200,
      state: stable(9, 200, { stepsSinceOom: 10 }),
      rule: 'unstable-hold',
      mi: 1000,
    },
    {
      name: 'the running peak decays 1 % per step',
      enacted: 256,
      ws: 100,
      state: stable(0, 100, { peakWorkingSetBytes: 400 * MI }),
      rule: 'working-set',
      mi: 658,
    },
    {
      name: 'usage unreadable: hold',
      enacted: 256,
      ws: 900,
      over: { usageValid: false },
      state: stable(9),
      rule: 'hold',
      mi: 256,
    },
    { name: 'no working set yet: hold', enacted: 256, ws: 0, state: stable(9), rule: 'hold', mi: 256 },
  ])('$name', ({ enacted, ws, over, state, rule, mi }) => {
    const r = recommendMemory(tuning, state, signal(enacted, ws, over));
    expect(r.rule).toBe(rule);
    expect(r.unboundedMemoryBytes).toBe(mi * MI);
  });

  it.each([
    { name: 'counts stable steps', ws: 205, state: stable(3), stableSteps: 4, sinceOom: undefined },
    { name: 'resets them on a move', ws: 300, state: stable(3), stableSteps: 0, sinceOom: undefined },
    {
      name: 'counts steps since an OOM kill',
      ws: 200,
      state: stable(3, 200, { stepsSinceOom: 7 }),
      stableSteps: 4,
      sinceOom: 8,
    },
  ])('$name', ({ ws, state, stableSteps, sinceOom }) => {
    const r = recommendMemory(tuning, state, signal(512, ws));
    expect(r.state.workingSetStableSteps).toBe(stableSteps);
    expect(r.state.stepsSinceOom).toBe(sinceOom);
    expect(r.state.previousWorkingSetBytes).toBe(ws * MI);
  });
});
