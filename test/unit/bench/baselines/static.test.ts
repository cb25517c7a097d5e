import { describe, expect, it } from 'vitest';
import { meanRate, staticSizing } from '../../../../bench/baselines/static.ts';

// M/M/1-PS mean: RT = D/(c − λD) ≤ slo ⇔ c ≥ λD + D/slo, with D = 0.01 core-seconds per request.
const D = 0.01;
const coresForRate = (rps: number, slo: number) => rps * D + D / slo;

describe('static sizing', () => {
  it.each([
    { name: 'one pod when the mean load fits', mean: 100, max: 2000, replicas: 1, cpu: 1100 },
    {
      name: 'splits across pods when one would exceed max CPU',
      mean: 300,
      max: 2000,
      replicas: 2,
      cpu: 1600,
    },
    { name: 'keeps the SLA minimum size', mean: 1, max: 2000, replicas: 1, cpu: 200 },
  ])('$name', ({ mean, max, replicas, cpu }) => {
    const out = staticSizing({
      meanRps: mean,
      sloSeconds: 0.1,
      statistic: 'mean',
      minReplicas: 1,
      maxReplicas: 10,
      minCpuMilli: 200,
      maxCpuMilli: max,
      coresForRate,
    });
    expect(out).toEqual({ replicas, cpuMilli: cpu });
  });

  it('averages a rate over the duration', () => {
    expect(meanRate((t) => (t < 50 ? 10 : 30), 100)).toBe(20);
  });
});
