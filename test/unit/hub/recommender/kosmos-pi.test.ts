import { describe, expect, it } from 'vitest';
import type { PodSignal, RecommenderState } from '../../../../hub/src/recommender/index.ts';
import { KOSMOS_PI, recommend, recommenderConfig } from '../../../../hub/src/recommender/index.ts';

const MI = 1024 * 1024;
const config = recommenderConfig(
  {
    sloSeconds: 0.2,
    minCpuMilli: 100,
    maxCpuMilli: 4000,
    minMemoryBytes: 64 * MI,
    maxMemoryBytes: 2048 * MI,
  },
  { controller: 'kosmos-pi' },
);
const signal = (over: Partial<PodSignal>): PodSignal => ({
  periodSeconds: 5,
  enactedCpuMilli: 1000,
  enactedMemoryBytes: 256 * MI,
  cpuUsageMilli: 900,
  throttledRatio: 0,
  requestRate: 50,
  requestCount: 250,
  responseTimeSeconds: 0.2,
  memoryWorkingSetBytes: 200 * MI,
  oomKilled: false,
  ...over,
});

describe('kosmos-pi (the original KOSMOS law)', () => {
  it('uses the documented constants: BC 40, DC 80 millicore-seconds, |e| ≤ 10 per second, growth ≤ 1.5×, 5 s period', () => {
    expect(KOSMOS_PI).toEqual({ bc: 40, dc: 80, errorClamp: 10, maxGrowthFactor: 1.5, periodSeconds: 5 });
    expect(config.gains).toEqual({ bc: 40, dc: 80 });
    expect(config.maxGrowthFactor).toBe(1.5);
  });

  it.each([
    // e = 1/0.2 − 1/rt; first step has e_{k−1} = e_k, so u = c + 80·e.
    { rt: 0.2, prev: undefined, expected: 1000 },
    { rt: 0.25, prev: undefined, expected: 1000 + 80 * (5 - 4) },
    { rt: 0.1, prev: undefined, expected: 1000 + 80 * (5 - 10) },
    // velocity form: u = c + BC·(e − e_prev) + DC·e.
    { rt: 0.25, prev: 0, expected: 1000 + 40 * 1 + 80 * 1 },
    { rt: 0.4, prev: 1, expected: 1000 + 40 * (2.5 - 1) + 80 * 2.5 },
  ])('computes u = c + BC·Δe + DC·e for rt $rt s after e_prev $prev', ({ rt, prev, expected }) => {
    const state: RecommenderState | undefined =
      prev === undefined
        ? undefined
        : { steps: 1, previousError: prev, modelCorrection: 1, workingSetStableSteps: 0 };
    const r = recommend(config, state, signal({ responseTimeSeconds: rt }));
    expect(r.desired.cpuMilli).toBe(expected);
    expect(r.terms.cpuRule).toBe('pi');
  });

  it('clamps the error to ±10 per second', () => {
    const r = recommend(config, undefined, signal({ responseTimeSeconds: 0.01 }));
    expect(r.terms.error).toBe(-10);
    expect(r.desired.cpuMilli).toBe(1000 - 800);
  });

  it('limits growth to 1.5× the enacted CPU per step', () => {
    const r = recommend(config, undefined, signal({ enactedCpuMilli: 400, responseTimeSeconds: 50 }));
    expect(r.desired.cpuMilli).toBe(600);
  });

  it('bounds the allocation by the SLA min and max', () => {
    const high = recommend(config, undefined, signal({ enactedCpuMilli: 3900, responseTimeSeconds: 10 }));
    expect(high.desired.cpuMilli).toBe(4000);
    expect(high.terms.cpuBoundedBySla).toBe('max');
  });

  it('drives an idle pod to the minimum (the known fault, reproduced on purpose)', () => {
    let state: RecommenderState | undefined;
    let cpu = 2000;
    for (let k = 0; k < 5; k++) {
      const r = recommend(
        config,
        state,
        signal({ enactedCpuMilli: cpu, requestRate: 0, requestCount: 0, responseTimeSeconds: undefined }),
      );
      state = r.state;
      cpu = r.desired.cpuMilli;
    }
    expect(cpu).toBe(100);
  });

  it('leaves memory at the enacted value', () => {
    const r = recommend(config, undefined, signal({ memoryWorkingSetBytes: 900 * MI, oomKilled: true }));
    expect(r.desired.memoryBytes).toBe(256 * MI);
    expect(r.terms.memoryRule).toBe('hold');
  });
});
