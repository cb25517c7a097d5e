import { describe, expect, it } from 'vitest';
import { slaBounds } from '../../../../../hub/src/recommender/steps/sla-bounds.ts';

const config = { minCpuMilli: 100, maxCpuMilli: 2000, minMemoryBytes: 64, maxMemoryBytes: 512 };

describe('slaBounds (the SLA min/max, and which one cut)', () => {
  it.each([
    {
      cpu: 500,
      memory: 128,
      out: { cpu: { value: 500, bound: 'none' }, memory: { value: 128, bound: 'none' } },
    },
    {
      cpu: 50,
      memory: 1024,
      out: { cpu: { value: 100, bound: 'min' }, memory: { value: 512, bound: 'max' } },
    },
    {
      cpu: 5000,
      memory: 1,
      out: { cpu: { value: 2000, bound: 'max' }, memory: { value: 64, bound: 'min' } },
    },
  ])('cpu $cpu, memory $memory', ({ cpu, memory, out }) => {
    expect(slaBounds(config, { cpuMilli: cpu, memoryBytes: memory })).toEqual(out);
  });

  it('max wins when an SLA has min > max', () => {
    expect(slaBounds({ ...config, minCpuMilli: 3000 }, { cpuMilli: 2500, memoryBytes: 128 }).cpu).toEqual({
      value: 2000,
      bound: 'max',
    });
  });
});
