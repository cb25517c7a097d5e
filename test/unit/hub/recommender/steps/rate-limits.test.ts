import { describe, expect, it } from 'vitest';
import { rateLimit } from '../../../../../hub/src/recommender/steps/rate-limits.ts';
import type { CpuRule } from '../../../../../hub/src/recommender/types.ts';

const config = {
  maxGrowthFactor: 2,
  tuning: {
    confidentRequestCount: 50,
    surgeGrowthFactor: 4,
    maxDecreaseFraction: 0.2,
    deadbandFraction: 0.05,
  },
};
const window = { enactedCpuMilli: 1000, requestCount: 100, violating: false };

describe('rateLimit (growth, decrease and deadband)', () => {
  it.each<{
    name: string;
    rule: CpuRule;
    target: number;
    backlog?: number;
    w?: object;
    out: CpuRule;
    cpu: number;
    growth: number;
  }>([
    {
      name: 'a measured surge grows up to 4×',
      rule: 'feed-forward',
      target: 6000,
      out: 'feed-forward',
      cpu: 4000,
      growth: 4000,
    },
    {
      name: 'a surge on few requests only 2×',
      rule: 'feed-forward',
      target: 6000,
      w: { requestCount: 49 },
      out: 'feed-forward',
      cpu: 2000,
      growth: 2000,
    },
    { name: 'PI feedback only 2×', rule: 'pi', target: 6000, out: 'pi', cpu: 2000, growth: 2000 },
    {
      name: 'a backlog estimate is measured',
      rule: 'saturated',
      target: 6000,
      backlog: 900,
      out: 'saturated',
      cpu: 4000,
      growth: 4000,
    },
    {
      name: 'growth with nothing finished is not',
      rule: 'saturated',
      target: 6000,
      out: 'saturated',
      cpu: 2000,
      growth: 2000,
    },
    {
      name: 'decreases by at most 20 %',
      rule: 'feed-forward',
      target: 100,
      out: 'feed-forward',
      cpu: 800,
      growth: 4000,
    },
    {
      name: 'a change under 5 % is skipped',
      rule: 'feed-forward',
      target: 1040,
      out: 'deadband',
      cpu: 1000,
      growth: 4000,
    },
    {
      name: 'unless it is a growth while violating',
      rule: 'feed-forward',
      target: 1040,
      w: { violating: true },
      out: 'feed-forward',
      cpu: 1040,
      growth: 4000,
    },
    {
      name: 'a decrease under 5 % is skipped even when violating',
      rule: 'feed-forward',
      target: 960,
      w: { violating: true },
      out: 'deadband',
      cpu: 1000,
      growth: 4000,
    },
    {
      name: 'rounded up to a millicore',
      rule: 'feed-forward',
      target: 1200.2,
      out: 'feed-forward',
      cpu: 1201,
      growth: 4000,
    },
  ])('$name', ({ rule, target, backlog, w, out, cpu, growth }) => {
    const r = rateLimit(
      config,
      { ...window, ...w },
      { rule, targetCpuMilli: target, backlogCpuMilli: backlog },
    );
    expect(r).toEqual({
      rule: out,
      unboundedCpuMilli: cpu,
      growthLimitCpuMilli: growth,
      decreaseLimitCpuMilli: 800,
    });
  });
});
