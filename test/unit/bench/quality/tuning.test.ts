import { describe, expect, it } from 'vitest';
import { buildContender } from '../../../../bench/quality/contenders.ts';
import { parseTuning } from '../../../../bench/quality/tuning.ts';
import { buildScenario } from '../../../../bench/quality/workloads.ts';
import { runDiscrete } from '../../../../sim/discrete/engine.ts';

describe('bench:quality --kosmos-tuning', () => {
  it('accepts numeric overrides of known tuning fields', () => {
    expect(parseTuning('{"rateNoiseSigmas":3,"sloMargin":1.5}')).toEqual({
      rateNoiseSigmas: 3,
      sloMargin: 1.5,
    });
  });

  it('refuses unknown fields, wrong types and non-objects with a message naming the problem', () => {
    expect(() => parseTuning('{"sigmas":3}')).toThrow(/unknown tuning "sigmas".*rateNoiseSigmas/);
    expect(() => parseTuning('{"rateNoiseSigmas":"3"}')).toThrow(/"rateNoiseSigmas" must be a finite number/);
    expect(() => parseTuning('[1]')).toThrow(/JSON object/);
    expect(() => parseTuning('rateNoiseSigmas=3')).toThrow(/JSON object/);
  });

  it('reaches the kosmos contender: a wider rate margin allocates more cores on the same run', async () => {
    const coreSeconds = async (rateNoiseSigmas: number): Promise<number> => {
      const scenario = await buildScenario('step', 600, 42);
      const controller = await buildContender('kosmos', scenario, 600, { rateNoiseSigmas });
      const rec = runDiscrete(scenario, { controller: controller!, durationSeconds: 600, recordPods: false });
      return rec.services.reduce((sum, s) => sum + s.allocatedCores.reduce((a, b) => a + b, 0), 0);
    };
    const narrow = await coreSeconds(0);
    const wide = await coreSeconds(4);
    expect(wide).toBeGreaterThan(narrow * 1.05);
  });
});
