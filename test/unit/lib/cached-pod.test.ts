import { readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  containerHealth,
  enactedAllocation,
  podRequests,
  qosClassOf,
  resizeStatusOf,
  specResources,
} from '../../../agent/src/pods/pod-resources.ts';
import { containerResources, isPodReady, isPodUnschedulable } from '../../../hub/src/loop/signals.ts';
import { isTerminated, resizeProblem } from '../../../hub/src/sla/podscale-plan.ts';
import { CACHED_POD_FIELDS, type CachedPod } from '../../../lib/cached-pod.ts';
import { retainIn } from '../../../lib/keep-list.ts';
import { everyField, keptPaths, leafPaths, under } from '../../support/keep-list-paths.ts';

const productionPod = (): k8s.V1Pod =>
  JSON.parse(readFileSync(new URL('../../fixtures/pods/production-pod.json', import.meta.url), 'utf8'));

describe('CACHED_POD_FIELDS', () => {
  it('keeps exactly the fields of the keep-list of a pod with every field filled, each whole', () => {
    const full = everyField('V1Pod') as k8s.V1Pod;
    const pod = everyField('V1Pod') as k8s.V1Pod;
    retainIn(pod, CACHED_POD_FIELDS);

    const { kept: expected, served, fields } = keptPaths(full, CACHED_POD_FIELDS);
    expect([...leafPaths(pod)].sort()).toEqual(expected.sort());
    // every kept field names a field a pod has (the list cannot name what the API has not)
    for (const f of fields)
      expect(
        served.some((p) => under(p, f)),
        f,
      ).toBe(true);
    // and most of a pod is dropped
    expect(expected.length).toBeLessThan(served.length / 10);
    expect(pod.spec?.containers).toHaveLength(2);
    const { requests, limits } = full.spec!.containers[1]!.resources!;
    expect(pod.spec?.containers[1]?.resources).toEqual({ requests, limits });
    expect(pod.status?.containerStatuses?.[1]?.lastState?.terminated?.reason).toBe(
      full.status?.containerStatuses?.[1]?.lastState?.terminated?.reason,
    );
    expect(pod.metadata?.deletionTimestamp).toEqual(new Date(0));
  });

  it('keeps what a production pod needs, drops the rest and managedFields, and the readers agree', () => {
    const full = productionPod();
    const pod: CachedPod = productionPod();
    retainIn(pod, CACHED_POD_FIELDS);

    expect(pod.metadata).toEqual({
      name: full.metadata?.name,
      namespace: 'shop',
      uid: full.metadata?.uid,
      resourceVersion: full.metadata?.resourceVersion,
      labels: full.metadata?.labels,
    });
    const dropped = pod.metadata as k8s.V1ObjectMeta;
    expect(dropped.managedFields).toBeUndefined();
    expect(dropped.annotations).toBeUndefined();
    expect(dropped.ownerReferences).toBeUndefined();
    expect(pod.spec?.nodeName).toBe(full.spec?.nodeName);
    expect(pod.spec?.containers.map((c) => c.name)).toEqual(['app', 'log-shipper']);
    for (const [i, c] of pod.spec!.containers.entries()) {
      expect(c.resources).toEqual(full.spec?.containers[i]?.resources);
      expect((c as k8s.V1Container).env).toBeUndefined();
      expect((c as k8s.V1Container).volumeMounts).toBeUndefined();
      expect((c as k8s.V1Container).livenessProbe).toBeUndefined();
    }
    expect(pod.spec?.containers[0]?.resizePolicy).toEqual(full.spec?.containers[0]?.resizePolicy);
    expect(pod.spec?.initContainers?.[0]).toEqual({
      name: 'migrate',
      resources: full.spec?.initContainers?.[0]?.resources,
    });
    const spec = pod.spec as k8s.V1PodSpec;
    for (const f of ['volumes', 'tolerations', 'affinity', 'securityContext', 'topologySpreadConstraints'])
      expect(spec[f as keyof k8s.V1PodSpec], f).toBeUndefined();
    expect(pod.status?.conditions).toEqual(
      full.status?.conditions?.map((c) => ({ type: c.type, status: c.status })),
    );
    expect(pod.status?.containerStatuses?.[0]).toEqual({
      name: 'app',
      ready: true,
      restartCount: 1,
      containerID: full.status?.containerStatuses?.[0]?.containerID,
      allocatedResources: { cpu: '500m', memory: '512Mi' },
      resources: full.status?.containerStatuses?.[0]?.resources,
      lastState: { terminated: { reason: 'OOMKilled' } },
    });
    expect((pod.status as k8s.V1PodStatus).initContainerStatuses).toBeUndefined();
    expect((pod.status as k8s.V1PodStatus).hostIP).toBeUndefined();

    // what the hub and the agent read of the pod is the same, full or cached
    const readers = (p: CachedPod) =>
      ['app', 'log-shipper', 'missing'].map((c) => ({
        hub: [containerResources(p, c), isPodReady(p), isPodUnschedulable(p), isTerminated(p)],
        resizable: p.spec?.containers[0] && resizeProblem(p, p.spec.containers[0]),
        agent: [specResources(p, c), enactedAllocation(p, c), containerHealth(p, c)],
        pod: [qosClassOf(p), resizeStatusOf(p), podRequests(p)],
      }));
    expect(readers(pod)).toEqual(readers(full));
    expect(readers(pod)[0]?.agent[2]).toMatchObject({
      ready: true,
      restartCount: 1,
      lastTerminationOom: true,
    });
  });

  it('types a cached pod without the dropped fields, and a served pod is one', () => {
    const served: k8s.V1Pod = productionPod();
    const pod: CachedPod = served;
    // @ts-expect-error env is not cached
    const env = pod.spec?.containers[0]?.env;
    // @ts-expect-error annotations are not cached
    const annotations = pod.metadata?.annotations;
    // @ts-expect-error of a terminated state only its reason is cached
    const exitCode = pod.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode;
    expect([env, annotations, exitCode]).toEqual([
      served.spec?.containers[0]?.env,
      served.metadata?.annotations,
      137,
    ]);
  });
});
