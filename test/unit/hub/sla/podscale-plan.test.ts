import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { initialDesired, planPodScales, SLA_LABEL } from '../../../../hub/src/sla/podscale-plan.ts';
import type { PodScale, ServiceLevelAgreement } from '../../../../lib/api/types.ts';

const sla: ServiceLevelAgreement = {
  apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
  kind: 'ServiceLevelAgreement',
  metadata: { name: 'web', namespace: 'default', uid: 'sla-uid' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    container: 'app',
    objective: { responseTime: '200ms' },
    metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
    resources: {
      default: { cpu: '250m', memory: '128Mi' },
      min: { cpu: '100m', memory: '64Mi' },
      max: { cpu: '2', memory: '1Gi' },
    },
    replicas: { max: 5 },
  },
};

function pod(
  name: string,
  over: {
    uid?: string;
    phase?: string;
    container?: string;
    requests?: Record<string, string>;
    qos?: string;
  } = {},
): V1Pod {
  return {
    metadata: { name, namespace: 'default', uid: over.uid ?? `${name}-uid` },
    spec: {
      nodeName: 'n1',
      containers: [
        {
          name: over.container ?? 'app',
          resources: { requests: over.requests ?? { cpu: '300m', memory: '256Mi' } },
        },
      ],
    },
    status: { phase: over.phase ?? 'Running', qosClass: over.qos ?? 'Burstable' },
  };
}

function ps(name: string, podUid: string, slaName = 'web'): PodScale {
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'PodScale',
    metadata: { name, namespace: 'default' },
    spec: {
      podRef: { name, uid: podUid },
      slaRef: { name: slaName },
      container: 'app',
      desired: { cpu: '300m' },
    },
  };
}

describe('planPodScales', () => {
  it('creates one PodScale per running pod, owned by the SLA, desired = current requests', () => {
    const plan = planPodScales(sla, [pod('a'), pod('b')], []);
    expect(plan.create.map((p) => p.metadata.name)).toEqual(['a', 'b']);
    const a = plan.create[0]!;
    expect(a.spec).toMatchObject({
      podRef: { name: 'a', uid: 'a-uid' },
      slaRef: { name: 'web' },
      container: 'app',
      nodeName: 'n1',
      desired: { cpu: '300m', memory: '256Mi' },
    });
    expect(a.metadata.labels?.[SLA_LABEL]).toBe('web');
    expect(a.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ServiceLevelAgreement',
      uid: 'sla-uid',
      controller: true,
    });
  });

  it('keeps existing PodScales and deletes those whose pod is gone or terminated', () => {
    const plan = planPodScales(
      sla,
      [pod('a'), pod('c', { phase: 'Succeeded' })],
      [ps('a', 'a-uid'), ps('b', 'b-uid'), ps('c', 'c-uid')],
    );
    expect(plan.create).toEqual([]);
    expect(plan.delete.sort()).toEqual(['b', 'c']);
    expect(plan.tracked.map((t) => t.name)).toEqual(['a']);
  });

  it('replaces the PodScale of a pod recreated under the same name: delete first, create next pass', () => {
    const plan = planPodScales(sla, [pod('a', { uid: 'new' })], [ps('a', 'old')]);
    expect(plan.delete).toEqual(['a']);
    expect(plan.create).toEqual([]);
    expect(planPodScales(sla, [pod('a', { uid: 'new' })], []).create[0]?.spec.podRef.uid).toBe('new');
  });

  it.each([
    { name: 'missing container', p: pod('x', { container: 'sidecar' }), reason: 'ContainerNotFound' },
    { name: 'BestEffort pod', p: pod('x', { qos: 'BestEffort', requests: {} }), reason: 'NotResizable' },
  ])('reports a $name as unfit instead of tracking it', (c) => {
    const plan = planPodScales(sla, [c.p], []);
    expect(plan.create).toEqual([]);
    expect(plan.unfit.map((u) => u.reason)).toEqual([c.reason]);
  });

  it('leaves a pod claimed by another SLA alone and never deletes that SLA’s PodScale', () => {
    const plan = planPodScales(sla, [pod('a')], [ps('a', 'a-uid', 'other')]);
    expect(plan.unfit.map((u) => u.reason)).toEqual(['ClaimedByOtherSla']);
    expect(plan.delete).toEqual([]);
  });
});

describe('initialDesired', () => {
  it.each([
    { requests: { cpu: '300m', memory: '256Mi' }, want: { cpu: '300m', memory: '256Mi' } },
    { requests: {}, want: { cpu: '250m', memory: '128Mi' } },
    { requests: { cpu: '50m', memory: '4Gi' }, want: { cpu: '100m', memory: '1Gi' } },
  ])('requests $requests → $want (current, else default, within min/max)', (c) => {
    expect(
      initialDesired(sla, { name: 'app', resources: { requests: c.requests as Record<string, string> } }),
    ).toEqual(c.want);
  });
});
