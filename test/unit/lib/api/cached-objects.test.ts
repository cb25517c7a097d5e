import { readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildPodScaleStatus, sameStatus } from '../../../../agent/src/actuator/podscale-status.ts';
import { buildNodeView } from '../../../../agent/src/pods/node-view.ts';
import { policyOf } from '../../../../hub/src/loop/policy-of.ts';
import { writtenDesired } from '../../../../hub/src/loop/signals.ts';
import { planPodScales, SLA_LABEL } from '../../../../hub/src/sla/podscale-plan.ts';
import { buildSlaStatus } from '../../../../hub/src/sla/sla-status.ts';
import { slaSummary } from '../../../../hub/src/status/views.ts';
import {
  AGENT_PODSCALE_FIELDS,
  type AgentPodScale,
  CACHED_PODSCALE_FIELDS,
  CACHED_SLA_FIELDS,
  type CachedPodScale,
  type CachedSla,
} from '../../../../lib/api/cached-objects.ts';
import type { Condition, PodScale, ServiceLevelAgreement } from '../../../../lib/api/types.ts';
import type { CachedPod } from '../../../../lib/cached-pod.ts';
import { type AnyKeepList, retainIn } from '../../../../lib/keep-list.ts';
import { everyField, keptPaths, leafPaths } from '../../../support/keep-list-paths.ts';

const fixture = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/${path}`, import.meta.url), 'utf8'));
const productionPodScale = () => fixture<PodScale>('podscales/production-podscale.json');
const productionPod = () => fixture<CachedPod>('pods/production-pod.json');

const conditions = (type: string): Condition[] => [
  {
    type,
    status: 'True',
    reason: 'Because',
    message: 'it is so',
    lastTransitionTime: '2026-11-30T09:03:12Z',
    observedGeneration: 3,
  },
  {
    type: 'Other',
    status: 'False',
    reason: 'Not',
    message: 'no',
    lastTransitionTime: '2026-11-30T09:00:00Z',
  },
];

/** A PodScale with every field of its type filled (its metadata: every field of V1ObjectMeta). */
function everyPodScaleField(): PodScale {
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'PodScale',
    metadata: everyField('V1ObjectMeta') as k8s.V1ObjectMeta,
    spec: {
      podRef: { name: 'web-1', uid: 'pod-uid' },
      slaRef: { name: 'web' },
      container: 'app',
      nodeName: 'node-a',
      desired: { cpu: '500m', memory: '256Mi' },
    },
    status: {
      actual: { cpu: '400m', memory: '256Mi' },
      capped: { cpu: '400m', memory: '256Mi', reason: 'NodeContention', message: 'full node' },
      conditions: conditions('Enacted'),
      lastResizeTime: '2026-11-30T09:03:11Z',
    },
  };
}

/** An SLA with every field of its type filled (its metadata: every field of V1ObjectMeta). */
function everySlaField(): ServiceLevelAgreement {
  const rule = { windowSeconds: 30, stabilizationSeconds: 60, maxStepReplicas: 2, maxStepPercent: 50 };
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'ServiceLevelAgreement',
    metadata: everyField('V1ObjectMeta') as k8s.V1ObjectMeta,
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' },
      container: 'app',
      objective: { responseTime: '200ms', statistic: 'p95' },
      metrics: {
        scrape: { port: 9090, path: '/metrics', metric: 'http_request_duration_seconds', type: 'histogram' },
        prometheus: {
          url: 'http://prometheus:9090',
          metric: 'http_request_duration_seconds',
          type: 'histogram',
          labelMatchers: 'job="checkout"',
          podLabel: 'pod',
          namespaceLabel: 'namespace',
          scrapeInterval: '15s',
          window: '1m',
          query: 'q',
          requestRateQuery: 'r',
          bearerTokenFile: 'token',
          caFile: 'ca.pem',
          timeout: '5s',
        },
      },
      resources: {
        default: { cpu: '250m', memory: '128Mi' },
        min: { cpu: '100m', memory: '64Mi' },
        max: { cpu: '2', memory: '1Gi' },
      },
      replicas: { min: 2, max: 20 },
      policy: {
        mode: 'Auto',
        controller: 'kosmos',
        gains: { bc: 0.5, dc: 0.8 },
        arbitration: 'proportional',
        priority: 2,
        maxGrowthFactor: 2,
        horizontal: { scaleUp: rule, scaleDown: rule },
      },
    },
    status: {
      observedGeneration: 7,
      conditions: conditions('Ready'),
      replicas: 4,
      desiredReplicas: 5,
      podsTracked: 4,
      observedResponseTime: '183ms',
      requestRate: 120,
      lastScaleTime: '2026-11-30T09:00:00Z',
    },
  };
}

/** The SLA the production PodScale names, as kubectl apply leaves it (its spec again in an annotation). */
function productionSla(): ServiceLevelAgreement {
  const sla = everySlaField();
  sla.spec.metrics = { scrape: { port: 9090, metric: 'http_request_duration_seconds' } };
  sla.metadata = {
    name: 'checkout',
    namespace: 'shop',
    uid: '3e9a7c5b-1d2f-4e8a-b6c4-9f0e1d2c3b4a',
    resourceVersion: '184466001',
    generation: 7,
    creationTimestamp: new Date('2026-11-30T08:00:00Z'),
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec: sla.spec }),
    },
  };
  return sla;
}

/** Projects a fully filled object with `keep`: it holds exactly the kept fields, each whole. */
function keptOf<T extends object>(make: () => T, keep: AnyKeepList): { full: T; cached: T } {
  const full = make();
  const cached = make();
  retainIn(cached, keep);
  const { kept, served, fields } = keptPaths(full, keep);
  expect([...leafPaths(cached)].sort()).toEqual(kept.sort());
  // every kept field names a field the object has (the list cannot name what the API has not)
  for (const f of fields)
    expect(
      served.some((p) => p === f || p.replaceAll('[]', '').startsWith(`${f}.`)),
      f,
    ).toBe(true);
  return { full, cached };
}

describe('CACHED_PODSCALE_FIELDS', () => {
  it('keeps exactly the fields of the keep-list of a PodScale with every field filled', () => {
    const { cached: ps } = keptOf(everyPodScaleField, CACHED_PODSCALE_FIELDS);
    expect(ps.status).toBeUndefined();
    expect(ps.metadata.deletionTimestamp).toEqual(new Date(0));
  });

  it('keeps what the hub reads of a production PodScale, and the hub reads the same of it', () => {
    const full = productionPodScale();
    const ps: CachedPodScale = productionPodScale();
    retainIn(ps, CACHED_PODSCALE_FIELDS);
    expect(ps).toEqual({
      metadata: {
        name: full.metadata.name,
        namespace: 'shop',
        resourceVersion: full.metadata.resourceVersion,
        labels: { [SLA_LABEL]: 'checkout' },
      },
      spec: {
        podRef: { uid: full.spec.podRef.uid },
        slaRef: { name: 'checkout' },
        nodeName: full.spec.nodeName,
        desired: full.spec.desired,
      },
    });

    // the SLA controller's plan (tracked, created, deleted, claimed by another SLA) and the
    // desired-write gate's input are the same, full or cached
    const sla = productionSla();
    const pod = productionPod();
    const stale = { ...productionPodScale(), metadata: { ...full.metadata, name: 'gone' } };
    const readers = (scales: CachedPodScale[]) => ({
      own: planPodScales(sla, [pod], scales),
      other: planPodScales({ ...sla, metadata: { ...sla.metadata, name: 'other' } }, [pod], scales),
      desired: scales.map((s) => writtenDesired(s.spec.desired)),
      orphan: scales.map((s) => [s.metadata.labels?.[SLA_LABEL], s.metadata.deletionTimestamp]),
    });
    const cached = [ps, stale].map((s) => {
      const copy = structuredClone(s);
      retainIn(copy, CACHED_PODSCALE_FIELDS);
      return copy;
    });
    expect(readers(cached)).toEqual(readers([full, stale]));
    expect(readers(cached).own.tracked.map((t) => t.uid)).toEqual([full.spec.podRef.uid]);
    expect(readers(cached).own.delete).toEqual(['gone']);
    expect(readers(cached).other.unfit.map((u) => u.reason)).toEqual(['ClaimedByOtherSla']);
  });

  it('types a cached PodScale without the dropped fields, and a served one is one', () => {
    const served = productionPodScale();
    const ps: CachedPodScale = served;
    // @ts-expect-error the hub does not cache a PodScale's status
    const status = ps.status;
    // @ts-expect-error nor its owners
    const owners = ps.metadata.ownerReferences;
    expect([status, owners]).toEqual([served.status, served.metadata.ownerReferences]);
  });
});

describe('AGENT_PODSCALE_FIELDS', () => {
  it('keeps exactly the fields of the keep-list of a PodScale with every field filled', () => {
    const { full, cached: ps } = keptOf(everyPodScaleField, AGENT_PODSCALE_FIELDS);
    expect(ps.status).toEqual(full.status);
  });

  it('keeps what the agent reads of a production PodScale, its status whole, and the agent reads the same', () => {
    const full = productionPodScale();
    const ps: AgentPodScale = productionPodScale();
    retainIn(ps, AGENT_PODSCALE_FIELDS);
    expect(ps).toEqual({
      metadata: {
        name: full.metadata.name,
        namespace: 'shop',
        resourceVersion: full.metadata.resourceVersion,
      },
      spec: { podRef: { uid: full.spec.podRef.uid }, slaRef: { name: 'checkout' }, container: 'app' },
      status: full.status,
    });

    // the node view and the next status (built from the cached one, then compared with it) are the same
    const sla = productionSla();
    const view = (scale: AgentPodScale) =>
      buildNodeView({ pods: [productionPod()], podScales: [scale], directed: [], sla: () => sla });
    expect(view(ps)).toEqual(view(full));
    expect(view(ps).tracked[0]?.podScaleStatus).toEqual(full.status);
    const input = {
      enacted: { cpuMilli: 620, memoryBytes: 512 * 2 ** 20 },
      cap: undefined,
      resize: { state: 'None' as const, message: '' },
      lastResizeTime: undefined,
      nowIso: '2026-11-30T10:00:00Z',
    };
    const next = buildPodScaleStatus(ps.status, input);
    expect(next).toEqual(buildPodScaleStatus(full.status, input));
    expect(next.lastResizeTime).toBe(full.status?.lastResizeTime);
    expect(next.conditions?.find((c) => c.type === 'Enacted')?.lastTransitionTime).toBe(
      '2026-11-30T09:03:12Z',
    );
    expect(sameStatus(ps.status, full.status!)).toBe(true);
  });
});

describe('CACHED_SLA_FIELDS', () => {
  it('keeps exactly the fields of the keep-list of an SLA with every field filled', () => {
    const { full, cached: sla } = keptOf(everySlaField, CACHED_SLA_FIELDS);
    expect(sla.spec).toEqual(full.spec);
    expect(sla.status).toEqual(full.status);
  });

  it('drops the last-applied annotation of an SLA, and the hub reads the same of it', () => {
    const full = productionSla();
    const sla: CachedSla = productionSla();
    retainIn(sla, CACHED_SLA_FIELDS);
    expect(sla.metadata).toEqual({
      name: 'checkout',
      namespace: 'shop',
      uid: full.metadata.uid,
      resourceVersion: full.metadata.resourceVersion,
      generation: 7,
    });
    const observation = { observedGeneration: 7, podsTracked: 4, podsReporting: 4, replicas: 4 };
    const readers = (s: CachedSla) => ({
      policy: policyOf(s),
      status: buildSlaStatus(s.status, observation, '2026-11-30T10:00:00Z'),
      summary: slaSummary({
        sla: s,
        objectiveSeconds: 0.2,
        observedSeconds: 0.18,
        requestRate: 120,
        replicas: 4,
        desiredReplicas: 5,
        podsTracked: 4,
        ready: true,
        message: '',
        sloAttainment: 1,
        podsWithoutSignal: 0,
      }),
      event: [s.apiVersion, s.kind, s.metadata.uid],
    });
    expect(readers(sla)).toEqual(readers(full));
  });

  it('types a cached SLA without the dropped fields, and a served one is one', () => {
    const served = productionSla();
    const sla: CachedSla = served;
    // @ts-expect-error annotations are not cached
    const annotations = sla.metadata.annotations;
    expect(annotations).toEqual(served.metadata.annotations);
  });
});
