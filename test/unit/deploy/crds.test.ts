import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { PodScale, ServiceLevelAgreement } from '../../../lib/api/types.ts';
import type { JSONSchemaProps } from '../../../packages/apiserver/crd/crd-validation.ts';
import {
  loadCrds,
  validatePodScale,
  validateSla,
  withPodScaleDefaults,
  withSlaDefaults,
} from '../../support/kosmos-crds.ts';

function sla(spec: Record<string, unknown> = {}): ServiceLevelAgreement {
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'ServiceLevelAgreement',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      objective: { responseTime: '200ms' },
      metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
      resources: {
        default: { cpu: '250m', memory: '128Mi' },
        min: { cpu: '100m', memory: '64Mi' },
        max: { cpu: '2', memory: '512Mi' },
      },
      replicas: { min: 1, max: 10 },
      ...spec,
    } as ServiceLevelAgreement['spec'],
  };
}

function podScale(spec: Record<string, unknown> = {}): PodScale {
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'PodScale',
    metadata: { name: 'web-abc', namespace: 'default' },
    spec: {
      podRef: { name: 'web-abc', uid: '1234' },
      slaRef: { name: 'web' },
      container: 'web',
      nodeName: 'node-1',
      desired: { cpu: '500m', memory: '256Mi' },
      ...spec,
    } as PodScale['spec'],
  };
}

const resources = (r: Record<string, unknown>) => ({
  resources: { min: { cpu: '100m' }, max: { cpu: '2' }, ...r },
});

describe('CRD manifests', () => {
  const crds = loadCrds();

  it('load both kinds with short names, the kosmos category and a status subresource', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([
      'podscales.autoscaling.kosmos.dev',
      'servicelevelagreements.autoscaling.kosmos.dev',
    ]);
    for (const crd of crds) {
      expect(crd.spec.names['categories']).toEqual(['kosmos']);
      expect(crd.spec.versions[0]!['subresources']).toEqual({ status: {} });
    }
    expect(crds.find((c) => c.spec.names.kind === 'ServiceLevelAgreement')!.spec.names.shortNames).toEqual([
      'sla',
    ]);
    expect(crds.find((c) => c.spec.names.kind === 'PodScale')!.spec.names.shortNames).toEqual(['ps']);
  });

  it('print the agreed columns', () => {
    const columns = (kind: string) =>
      (
        crds.find((c) => c.spec.names.kind === kind)!.spec.versions[0]!['additionalPrinterColumns'] as Array<{
          name: string;
          priority?: number;
        }>
      )
        .filter((c) => !c.priority)
        .map((c) => c.name);
    expect(columns('ServiceLevelAgreement')).toEqual([
      'Target',
      'Objective',
      'Observed RT',
      'Replicas',
      'Ready',
      'Age',
    ]);
    expect(columns('PodScale')).toEqual(['Pod', 'Desired CPU', 'Actual CPU', 'Capped', 'Age']);
  });

  it('describe every field (so kubectl explain documents it)', () => {
    const undocumented: string[] = [];
    const walk = (s: JSONSchemaProps, path: string) => {
      if (!s.description && path !== '.metadata') undocumented.push(path);
      for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, `${path}.${k}`);
      if (s.items) walk(s.items, `${path}[]`);
    };
    for (const crd of crds) {
      const schema = (crd.spec.versions[0]!['schema'] as { openAPIV3Schema: JSONSchemaProps })
        .openAPIV3Schema;
      walk(schema, '');
    }
    expect(undocumented).toEqual([]);
  });

  it('are the files the deploy kustomization installs', () => {
    const kustomization = parse(
      readFileSync(fileURLToPath(new URL('../../../deploy/kustomization.yaml', import.meta.url)), 'utf8'),
    ) as { resources: string[] };
    expect(kustomization.resources).toEqual(
      expect.arrayContaining(['crds/servicelevelagreements.yaml', 'crds/podscales.yaml']),
    );
  });
});

describe('ServiceLevelAgreement validation', () => {
  it('accepts a valid SLA, and the example in deploy/examples', () => {
    expect(validateSla(sla())).toEqual([]);
    expect(
      validateSla(sla({ metrics: { prometheus: { metric: 'http_request_duration_seconds' } } })),
    ).toEqual([]);
    expect(
      validateSla(
        sla({
          metrics: {
            prometheus: {
              url: 'https://prom:9090',
              query: 'max by (pod) (rt{pod=~"$pods"})',
              requestRateQuery: 'sum by (pod) (rate(requests_total{pod=~"$pods"}[$window]))',
              bearerTokenFile: 'prometheus/token',
              caFile: 'ca.crt',
              window: '30s',
            },
          },
        }),
      ),
    ).toEqual([]);
    expect(validateSla(sla(resources({ min: { cpu: 1 }, max: { cpu: 4, memory: '1G' } })))).toEqual([]);
    const example = parse(
      readFileSync(
        fileURLToPath(new URL('../../../deploy/examples/sample-sla.yaml', import.meta.url)),
        'utf8',
      ),
    );
    expect(validateSla(example)).toEqual([]);
  });

  it('applies the documented defaults', () => {
    const s = withSlaDefaults(sla({ replicas: { max: 3 } }));
    expect(s.spec.objective.statistic).toBe('p95');
    expect(s.spec.replicas.min).toBe(1);
    expect(s.spec.metrics.scrape).toMatchObject({ path: '/metrics', type: 'histogram' });
    expect(s.spec.policy).toEqual({
      mode: 'Auto',
      controller: 'kosmos',
      arbitration: 'minimum-first',
      priority: 1,
      maxGrowthFactor: 2,
      horizontal: {
        scaleUp: { windowSeconds: 15, stabilizationSeconds: 30, maxStepReplicas: 4, maxStepPercent: 100 },
        scaleDown: { windowSeconds: 180, stabilizationSeconds: 60, maxStepReplicas: 0, maxStepPercent: 50 },
      },
    });
  });

  it.each([
    [
      'min cpu above max',
      resources({ min: { cpu: '3' } }),
      'spec.resources.min.cpu',
      'resources.min.cpu must be less',
    ],
    [
      'min memory above max',
      resources({ min: { cpu: '1', memory: '1Gi' }, max: { cpu: '2', memory: '1G' } }),
      'spec.resources.min.memory',
      'resources.min.memory',
    ],
    [
      'default cpu below min',
      resources({ default: { cpu: '50m' } }),
      'spec.resources.default.cpu',
      'resources.default.cpu must be greater',
    ],
    [
      'default cpu above max',
      resources({ default: { cpu: '2001m' } }),
      'spec.resources.default.cpu',
      'resources.default.cpu must be less',
    ],
    [
      'default memory above max',
      resources({ default: { memory: '2Gi' }, max: { cpu: '2', memory: '1Gi' } }),
      'spec.resources.default.memory',
      'resources.default.memory',
    ],
    [
      'zero max cpu',
      resources({ min: { cpu: '0' }, max: { cpu: '0' } }),
      'spec.resources.max.cpu',
      'resources.max.cpu must be greater than 0',
    ],
    [
      'replicas.min above max',
      { replicas: { min: 5, max: 2 } },
      'spec.replicas.min',
      'replicas.min must be less than or equal to replicas.max',
    ],
    [
      'objective 0ms',
      { objective: { responseTime: '0ms' } },
      'spec.objective.responseTime',
      'objective.responseTime must be a positive duration',
    ],
    [
      'objective garbage',
      { objective: { responseTime: 'fast' } },
      'spec.objective.responseTime',
      'objective.responseTime must be a positive duration',
    ],
    [
      'objective negative',
      { objective: { responseTime: '-1s' } },
      'spec.objective.responseTime',
      'objective.responseTime',
    ],
    [
      'both metric sources',
      { metrics: { scrape: { port: 1, metric: 'm' }, prometheus: { url: 'http://p', metric: 'm' } } },
      'spec.metrics',
      'exactly one of metrics.scrape or metrics.prometheus',
    ],
    [
      'neither metric source',
      { metrics: {} },
      'spec.metrics',
      'exactly one of metrics.scrape or metrics.prometheus',
    ],
    [
      'a prometheus source with neither a metric nor both raw queries',
      { metrics: { prometheus: { url: 'http://prom:9090', query: 'q' } } },
      'spec.metrics.prometheus',
      'needs metric (a latency histogram or summary) or both query and requestRateQuery',
    ],
    [
      'a per-pod raw query ($pod)',
      { metrics: { prometheus: { query: 'rt{pod="$pod"}', requestRateQuery: 'r{pod=~"$pods"}' } } },
      'spec.metrics.prometheus',
      'use pod=~"$pods"',
    ],
    [
      'a prometheus window shorter than 100ms',
      { metrics: { prometheus: { metric: 'm', window: '10ms' } } },
      'spec.metrics.prometheus.window',
      'window must be a duration of at least 100ms',
    ],
    [
      'a bearer token file outside the credentials directory',
      { metrics: { prometheus: { metric: 'm', bearerTokenFile: '../../var/run/secrets/token' } } },
      'spec.metrics.prometheus.bearerTokenFile',
      'should match',
    ],
    [
      'empty targetRef name',
      { targetRef: { kind: 'Deployment', name: '' } },
      'spec.targetRef.name',
      'targetRef.name must not be empty',
    ],
    [
      'empty targetRef kind',
      { targetRef: { kind: '', name: 'web' } },
      'spec.targetRef.kind',
      'targetRef.kind must not be empty',
    ],
  ])('rejects %s, naming the field', (_, spec, field, message) => {
    const errors = validateSla(sla(spec));
    expect(errors).toEqual([expect.objectContaining({ field, reason: 'FieldValueInvalid' })]);
    expect(errors[0]!.message).toContain(message);
  });

  it('rejects a bad quantity with one error at the field, showing the value', () => {
    const errors = validateSla(sla(resources({ min: { cpu: '12 cores' } })));
    expect(errors).toEqual([
      expect.objectContaining({ field: 'spec.resources.min.cpu', reason: 'FieldValueInvalid' }),
    ]);
    expect(errors[0]!.message).toContain('"12 cores"');
  });

  it('rejects a negative quantity', () => {
    expect(validateSla(sla(resources({ min: { cpu: '-1' } })))[0]!.field).toBe('spec.resources.min.cpu');
  });

  it('rejects a missing targetRef as a required field', () => {
    const s = sla() as unknown as { spec: Record<string, unknown> };
    delete s.spec['targetRef'];
    expect(validateSla(s)).toContainEqual({
      field: 'spec.targetRef',
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
  });

  it('rejects an unknown statistic, mode and arbitration policy with the supported values', () => {
    const errors = validateSla(
      sla({
        objective: { responseTime: '1s', statistic: 'p42' },
        policy: { mode: 'Yolo', arbitration: 'random' },
      }),
    );
    expect(errors.filter((e) => e.reason === 'FieldValueNotSupported').map((e) => e.field)).toEqual([
      'spec.objective.statistic',
      'spec.policy.mode',
      'spec.policy.arbitration',
    ]);
    expect(errors[0]!.message).toContain('"p95"');
  });

  it('rejects scrape ports out of range and relative scrape paths', () => {
    const errors = validateSla(sla({ metrics: { scrape: { port: 70000, metric: 'm', path: 'metrics' } } }));
    expect(errors.map((e) => e.field).sort()).toEqual([
      'spec.metrics.scrape.path',
      'spec.metrics.scrape.port',
    ]);
  });
});

describe('PodScale validation', () => {
  it('accepts a valid PodScale with status', () => {
    const ps = podScale();
    ps.status = {
      actual: { cpu: '400m', memory: '256Mi' },
      capped: { cpu: '400m', reason: 'NodeContention', message: 'node-1 is full' },
      conditions: [{ type: 'Resized', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }],
      lastResizeTime: '2025-01-01T00:00:00Z',
    };
    expect(validatePodScale(ps)).toEqual([]);
    expect(withPodScaleDefaults(ps)).toEqual(ps);
  });

  it('rejects an unknown cap reason, a bad quantity and missing references', () => {
    const ps = {
      ...podScale({ desired: { cpu: 'lots' }, slaRef: {} }),
      status: { capped: { reason: 'Bored' } },
    };
    expect(validatePodScale(ps).map((e) => [e.field, e.reason])).toEqual(
      expect.arrayContaining([
        ['spec.slaRef.name', 'FieldValueRequired'],
        ['spec.desired.cpu', 'FieldValueInvalid'],
        ['status.capped.reason', 'FieldValueNotSupported'],
      ]),
    );
  });

  it('rejects changing podRef or slaRef on update', () => {
    const old = podScale();
    const moved = podScale({ podRef: { name: 'web-abc', uid: '9999' }, slaRef: { name: 'other' } });
    expect(validatePodScale(moved, old).map((e) => e.detail)).toEqual([
      'podRef is immutable',
      'slaRef is immutable',
    ]);
    expect(validatePodScale(podScale({ desired: { cpu: '1' } }), old)).toEqual([]);
  });
});
