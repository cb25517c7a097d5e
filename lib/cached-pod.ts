// The pod as the hub's and the agent's informers cache it: only the fields kosmos reads. The hub
// caches every pod of the cluster, so each field kept here is paid 150,000 times at full scale
// (docs/scale.md, "The pod cache"). A field read anywhere must be added here; tsc rejects the read until it is.
import type { V1Pod } from '@kubernetes/client-node';
import type { KeepList, Kept } from './keep-list.ts';

const resources = { requests: true, limits: true } as const;

export const CACHED_POD_FIELDS = {
  metadata: {
    // the informer's cache key, the PodScale's name and the SLA's namespace scope
    name: true,
    namespace: true,
    // PodScale podRef and owner, pod placement, the hub model's and the agent's keys
    uid: true,
    // the informer's same-version check and its relist diff
    resourceVersion: true,
    // the SLA target's selector
    labels: true,
    // a deleting pod is no longer tracked
    deletionTimestamp: true,
  },
  spec: {
    // placement and the PodScale's spec.nodeName; unscheduled pods count as coming replicas
    nodeName: true,
    // the SLA's container, its size, whether it can be resized without a restart
    containers: { name: true, resources, resizePolicy: { resourceName: true, restartPolicy: true } },
    // the pod's requests and QoS class as the scheduler computes them (restartPolicy Always: a sidecar)
    initContainers: { name: true, resources, restartPolicy: true },
    overhead: true,
  },
  status: {
    // terminated pods are neither tracked nor counted on their node
    phase: true,
    qosClass: true,
    // the agent scrapes the pod's metrics here
    podIP: true,
    // Ready, PodScheduled (Unschedulable), PodResizePending and PodResizeInProgress
    conditions: { type: true, status: true, reason: true, message: true },
    // the resize state of API servers before 1.33
    resize: true,
    containerStatuses: {
      name: true,
      // what the kubelet enacted
      resources,
      allocatedResources: true,
      // the container's health in the agent's report
      ready: true,
      restartCount: true,
      lastState: { terminated: { reason: true } },
      containerID: true,
    },
  },
} as const satisfies KeepList<V1Pod>;

/** A pod as cached: V1Pod with only CACHED_POD_FIELDS (a V1Pod is one, so tests may pass full pods). */
export type CachedPod = Kept<V1Pod, typeof CACHED_POD_FIELDS>;

/** A container of a cached pod's spec.containers. */
export type CachedContainer = NonNullable<CachedPod['spec']>['containers'][number];
