import { describe, expect, it } from 'vitest';
import { planResize, type ResizePlanInput } from '../../../../agent/src/actuator/resize-plan.ts';

const Mi = 2 ** 20;
const base: ResizePlanInput = {
  container: 'app',
  qosClass: 'Burstable',
  current: {
    cpuRequestMilli: 500,
    cpuLimitMilli: 1000,
    memoryRequestBytes: 256 * Mi,
    memoryLimitBytes: 512 * Mi,
  },
  target: { cpuMilli: 800, memoryBytes: 0 },
  memoryUsageBytes: 100 * Mi,
  deadband: { percent: 5, cpuMilli: 10, memoryBytes: 4 * Mi },
  memoryLimitDecrease: 'allowed',
};

describe('planResize', () => {
  it('keeps a Burstable container’s limit/request ratio', () => {
    const plan = planResize(base);
    expect(plan).toMatchObject({
      kind: 'patch',
      body: {
        spec: {
          containers: [{ name: 'app', resources: { requests: { cpu: '800m' }, limits: { cpu: '1600m' } } }],
        },
      },
      requested: { cpuMilli: 800, memoryBytes: 256 * Mi },
    });
  });

  it('keeps a Guaranteed container Guaranteed: limits follow requests', () => {
    const plan = planResize({
      ...base,
      qosClass: 'Guaranteed',
      current: {
        cpuRequestMilli: 500,
        cpuLimitMilli: 500,
        memoryRequestBytes: 256 * Mi,
        memoryLimitBytes: 256 * Mi,
      },
      target: { cpuMilli: 1200, memoryBytes: 512 * Mi },
    });
    expect(plan.kind === 'patch' && plan.body.spec.containers[0]!.resources).toEqual({
      requests: { cpu: '1200m', memory: '512Mi' },
      limits: { cpu: '1200m', memory: '512Mi' },
    });
  });

  it('leaves a limit unset when the container has none', () => {
    const plan = planResize({ ...base, current: { cpuRequestMilli: 500, memoryRequestBytes: 256 * Mi } });
    expect(plan.kind === 'patch' && plan.body.spec.containers[0]!.resources).toEqual({
      requests: { cpu: '800m' },
    });
  });

  it.each([
    { name: 'small relative and absolute change is skipped', current: 500, target: 508, kind: 'skip' },
    { name: 'a change ≥ 10m is made even under 5 %', current: 4000, target: 4150, kind: 'patch' },
    { name: 'a change ≥ 5 % is made even under 10m', current: 50, target: 58, kind: 'patch' },
    { name: 'the same value is unchanged', current: 500, target: 500, kind: 'skip' },
  ])('deadband: $name', ({ current, target, kind }) => {
    const plan = planResize({
      ...base,
      current: { cpuRequestMilli: current, memoryRequestBytes: 256 * Mi },
      target: { cpuMilli: target, memoryBytes: 0 },
    });
    expect(plan.kind).toBe(kind);
  });

  it('skips BestEffort pods: a resize cannot change the QoS class', () => {
    expect(planResize({ ...base, qosClass: 'BestEffort', current: {} })).toMatchObject({
      kind: 'skip',
      reason: 'best-effort',
    });
  });

  it('never lowers a memory limit below current usage', () => {
    const plan = planResize({
      ...base,
      qosClass: 'Guaranteed',
      current: {
        cpuRequestMilli: 500,
        cpuLimitMilli: 500,
        memoryRequestBytes: 512 * Mi,
        memoryLimitBytes: 512 * Mi,
      },
      target: { cpuMilli: 500, memoryBytes: 128 * Mi },
      memoryUsageBytes: 300 * Mi,
    });
    expect(plan).toMatchObject({ kind: 'patch', memoryCapped: true, requested: { memoryBytes: 300 * Mi } });
    expect(plan.kind === 'patch' && plan.body.spec.containers[0]!.resources.limits).toEqual({
      memory: '300Mi',
    });
  });

  it('does not lower a memory limit at all when the server refuses decreases or usage is unknown', () => {
    const guaranteed = {
      ...base,
      qosClass: 'Guaranteed' as const,
      current: {
        cpuRequestMilli: 500,
        cpuLimitMilli: 500,
        memoryRequestBytes: 512 * Mi,
        memoryLimitBytes: 512 * Mi,
      },
      target: { cpuMilli: 500, memoryBytes: 256 * Mi },
    };
    expect(planResize({ ...guaranteed, memoryLimitDecrease: 'forbidden' })).toMatchObject({
      kind: 'skip',
      memoryCapped: true,
    });
    expect(planResize({ ...guaranteed, memoryUsageBytes: undefined })).toMatchObject({
      kind: 'skip',
      memoryCapped: true,
    });
  });

  it('lowers a memory request freely when the limit stays put', () => {
    const plan = planResize({
      ...base,
      current: { cpuRequestMilli: 500, memoryRequestBytes: 512 * Mi },
      target: { cpuMilli: 500, memoryBytes: 256 * Mi },
    });
    expect(plan).toMatchObject({ kind: 'patch', memoryCapped: false, requested: { memoryBytes: 256 * Mi } });
  });
});
