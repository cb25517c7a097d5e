import { describe, expect, it } from 'vitest';
import { chooseTarget, piFallback } from '../../../../../hub/src/recommender/steps/target.ts';

describe('piFallback (KOSMOS PI on the aimed-at target)', () => {
  const gains = { bc: 40, dc: 80 };
  const window = {
    idle: false,
    targetResponseSeconds: 0.2,
    responseTimeSeconds: 0.25,
    enactedCpuMilli: 1000,
  };
  it.each([
    { name: 'slower than the target: grows', w: {}, prev: 0, error: 1, pi: 1000 + 40 * 1 + 80 * 1 },
    { name: 'first step: e_{k-1} = e_k', w: {}, prev: undefined, error: 1, pi: 1000 + 80 },
    { name: 'faster: shrinks', w: { responseTimeSeconds: 0.1 }, prev: -5, error: -5, pi: 1000 - 400 },
    { name: 'error clamped to −10', w: { responseTimeSeconds: 0.01 }, prev: -10, error: -10, pi: 1000 - 800 },
    { name: 'idle: no error', w: { idle: true }, prev: 2, error: 0, pi: 1000 - 80 },
  ])('$name', ({ w, prev, error, pi }) => {
    const r = piFallback(gains, { ...window, ...w }, prev);
    expect(r.error).toBeCloseTo(error, 9);
    expect(r.previousError).toBeCloseTo(prev ?? error, 9);
    expect(r.piCpuMilli).toBeCloseTo(pi, 6);
  });
});

describe('chooseTarget (the rule that sets the target)', () => {
  const window = { usageValid: true, idle: false, enactedCpuMilli: 1000, usageCpuMilli: 100 };
  it.each([
    { name: 'usage unreadable: hold', w: { usageValid: false }, ff: 500, rule: 'no-usage', target: 1000 },
    { name: 'no model, traffic: PI', w: {}, ff: undefined, rule: 'pi', target: 1200 },
    { name: 'no model, idle: hold', w: { idle: true }, ff: undefined, rule: 'idle-hold', target: 1000 },
    {
      name: 'model, idle: decay toward the feed-forward',
      w: { idle: true },
      ff: 300,
      rule: 'idle-model',
      target: 300,
    },
    {
      name: 'model, idle: not below usage + 50 %',
      w: { idle: true, usageCpuMilli: 400 },
      ff: 300,
      rule: 'idle-model',
      target: 600,
    },
    { name: 'model, traffic: the feed-forward', w: {}, ff: 300, rule: 'feed-forward', target: 300 },
  ])('$name', ({ w, ff, rule, target }) => {
    expect(chooseTarget({ idleUsageHeadroom: 0.5 }, { ...window, ...w }, ff, 1200)).toEqual({
      rule,
      targetCpuMilli: target,
    });
  });
});
