import { describe, expect, it } from 'vitest';
import { policyFromSla } from '../../../../hub/src/control/index.ts';
import { HORIZONTAL_DEFAULTS } from '../../../../hub/src/horizontal/defaults.ts';
import type { ServiceLevelAgreementSpec } from '../../../../lib/api/types.ts';

const MI = 1024 * 1024;
const spec = (over: Partial<ServiceLevelAgreementSpec> = {}): ServiceLevelAgreementSpec => ({
  targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
  objective: { responseTime: '200ms' },
  metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
  resources: { min: { cpu: '100m', memory: '64Mi' }, max: { cpu: '2', memory: '1Gi' } },
  replicas: { max: 10 },
  ...over,
});

describe('policyFromSla', () => {
  it('applies every default in one place', () => {
    const { policy, errors } = policyFromSla(spec());
    expect(errors).toEqual([]);
    expect(policy).toMatchObject({
      mode: 'Auto',
      minReplicas: 1,
      maxReplicas: 10,
      arbitration: 'minimum-first',
      priority: 1,
      minResources: { cpuMilli: 100, memoryBytes: 64 * MI },
      maxResources: { cpuMilli: 2000, memoryBytes: 1024 * MI },
      defaultResources: {},
      horizontal: HORIZONTAL_DEFAULTS,
    });
    expect(policy?.recommender).toMatchObject({
      controller: 'kosmos',
      sloSeconds: 0.2,
      statistic: 'p95',
      gains: { bc: 40, dc: 80 },
      maxGrowthFactor: 2,
      minCpuMilli: 100,
      maxCpuMilli: 2000,
    });
  });

  it('carries the SLA policy through: controller, statistic, gains, growth, arbitration, horizontal behavior', () => {
    const { policy } = policyFromSla(
      spec({
        objective: { responseTime: '1.5s', statistic: 'p99' },
        resources: { default: { cpu: '5', memory: '128Mi' }, min: { cpu: '100m' }, max: { cpu: '2' } },
        policy: {
          mode: 'Recommend',
          controller: 'kosmos-pi',
          gains: { dc: 60 },
          arbitration: 'proportional',
          priority: 3,
          horizontal: { scaleUp: { windowSeconds: 45 } },
        },
      }),
    );
    expect(policy?.mode).toBe('Recommend');
    expect(policy?.recommender).toMatchObject({
      controller: 'kosmos-pi',
      statistic: 'p99',
      sloSeconds: 1.5,
      gains: { bc: 40, dc: 60 },
      maxGrowthFactor: 1.5,
      minMemoryBytes: 0,
      maxMemoryBytes: Number.MAX_SAFE_INTEGER,
    });
    expect(policy?.defaultResources).toEqual({ cpuMilli: 2000, memoryBytes: 128 * MI });
    expect(policy?.horizontal.scaleUp.windowSeconds).toBe(45);
    expect(policy?.horizontal.scaleUp.stabilizationSeconds).toBe(
      HORIZONTAL_DEFAULTS.scaleUp.stabilizationSeconds,
    );
    expect(policy).toMatchObject({ arbitration: 'proportional', priority: 3 });
  });

  it.each([
    {
      name: 'a response time that is not a duration',
      over: { objective: { responseTime: 'fast' } },
      field: 'spec.objective.responseTime',
    },
    {
      name: 'min CPU above max',
      over: { resources: { min: { cpu: '3' }, max: { cpu: '2' } } },
      field: 'spec.resources.min.cpu',
    },
    {
      name: 'an unparseable quantity',
      over: { resources: { min: { cpu: 'lots' }, max: { cpu: '2' } } },
      field: 'spec.resources.min.cpu',
    },
    {
      name: 'min memory above max',
      over: { resources: { min: { cpu: '1', memory: '2Gi' }, max: { cpu: '2', memory: '1Gi' } } },
      field: 'spec.resources.min.memory',
    },
    { name: 'min replicas above max', over: { replicas: { min: 5, max: 2 } }, field: 'spec.replicas.min' },
  ])('rejects $name with the field to fix', ({ over, field }) => {
    const result = policyFromSla(spec(over as Partial<ServiceLevelAgreementSpec>));
    expect(result.policy).toBeUndefined();
    expect(result.errors.map((e) => e.field)).toContain(field);
  });
});
