import { describe, expect, it } from 'vitest';
import {
  detectHiddenDemand,
  hiddenDemandTarget,
} from '../../../../../hub/src/recommender/steps/hidden-demand.ts';

describe('detectHiddenDemand (CPU-bound and the SLO itself missed)', () => {
  it.each([
    {
      name: 'CPU-bound and over the SLO',
      draining: false,
      cpuBound: true,
      pegged: false,
      rt: 0.3,
      hidden: true,
    },
    {
      name: 'CPU-bound within the SLO',
      draining: false,
      cpuBound: true,
      pegged: true,
      rt: 0.2,
      hidden: false,
    },
    {
      name: 'over the SLO with room to spare',
      draining: false,
      cpuBound: false,
      pegged: false,
      rt: 0.3,
      hidden: false,
    },
    {
      name: 'nothing finished, pegged',
      draining: false,
      cpuBound: true,
      pegged: true,
      rt: undefined,
      hidden: true,
    },
    {
      name: 'nothing finished, throttled only',
      draining: false,
      cpuBound: true,
      pegged: false,
      rt: undefined,
      hidden: false,
    },
    {
      name: 'draining: throttled only is not enough',
      draining: true,
      cpuBound: true,
      pegged: false,
      rt: 0.3,
      hidden: false,
    },
    {
      name: 'draining and still pegged',
      draining: true,
      cpuBound: true,
      pegged: true,
      rt: 0.3,
      hidden: true,
    },
  ])('$name', ({ draining, cpuBound, pegged, rt, hidden }) => {
    expect(detectHiddenDemand(0.2, draining, { cpuBound, pegged, responseTimeSeconds: rt })).toBe(hidden);
  });
});

describe('hiddenDemandTarget (grow past what the quota hides)', () => {
  const config = {
    maxGrowthFactor: 2,
    tuning: { evidenceSeconds: 5, backlogFactor: 1.5, minSaturatedGrowthFactor: 1.25 },
  };
  const window = { enactedCpuMilli: 1000, usageCpuMilli: 1000, responseTimeSeconds: 1, periodSeconds: 5 };
  const base = { rule: 'feed-forward', targetCpuMilli: 1100 } as const;
  it.each([
    {
      name: 'no hidden demand: unchanged',
      hidden: false,
      w: {},
      ff: 1100,
      rule: 'feed-forward',
      target: 1100,
      backlog: undefined,
    },
    {
      name: 'feed-forward + 1.5 × backlog per period',
      hidden: true,
      w: {},
      ff: 1100,
      rule: 'saturated',
      target: 1100 + 1.5 * 200,
      backlog: 200,
    },
    {
      name: 'no model: usage + 1.5 × backlog',
      hidden: true,
      w: {},
      ff: undefined,
      rule: 'saturated',
      target: 1000 + 300,
      backlog: 200,
    },
    {
      name: 'at least 1.25 × enacted',
      hidden: true,
      w: { responseTimeSeconds: 0.1 },
      ff: undefined,
      rule: 'saturated',
      target: 1250,
      backlog: 20,
    },
    {
      name: 'short periods spread the backlog over the 5 s horizon',
      hidden: true,
      w: { periodSeconds: 1 },
      ff: 1100,
      rule: 'saturated',
      target: 1400,
      backlog: 200,
    },
    {
      name: 'nothing finished: × maxGrowthFactor',
      hidden: true,
      w: { responseTimeSeconds: undefined },
      ff: 1100,
      rule: 'saturated',
      target: 2000,
      backlog: undefined,
    },
    {
      name: 'a higher base target stays',
      hidden: true,
      w: {},
      ff: 1100,
      base: { rule: 'feed-forward', targetCpuMilli: 3000 },
      rule: 'feed-forward',
      target: 3000,
      backlog: 200,
    },
  ])('$name', ({ hidden, w, ff, rule, target, backlog, ...rest }) => {
    const r = hiddenDemandTarget(
      config,
      { ...window, ...w },
      hidden,
      ff,
      'base' in rest ? (rest.base as typeof base) : base,
    );
    expect(r.rule).toBe(rule);
    expect(r.targetCpuMilli).toBeCloseTo(target, 9);
    if (backlog === undefined) expect(r.backlogCpuMilli).toBeUndefined();
    else expect(r.backlogCpuMilli).toBeCloseTo(backlog, 9);
  });
});
