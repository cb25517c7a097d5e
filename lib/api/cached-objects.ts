// kosmos's own objects as the informers cache them: only the fields kosmos reads. The hub caches
// every PodScale of the cluster (one per tracked pod, 150,000 at full scale), so each field kept
// here is paid that often (docs/scale.md, "The pod cache"). A field read anywhere must be added
// here; tsc rejects the read until it is. Every write built from a cached object is a merge patch of
// fresh values, except the two status builders, which start from the cached status: kept whole.
import type { KeepList, Kept } from '../keep-list.ts';
import type { PodScale, ServiceLevelAgreement } from './types.ts';

/** The hub's PodScales: what its SLA controller and its enact step read. */
export const CACHED_PODSCALE_FIELDS = {
  metadata: {
    // the informer's cache key; the hub's PodScale is named after its pod
    name: true,
    namespace: true,
    // the informer's same-version check and its relist diff
    resourceVersion: true,
    // the SLA label: a PodScale whose SLA is gone is deleted, unless it is already being deleted
    labels: true,
    deletionTimestamp: true,
  },
  spec: {
    // a replaced pod's PodScale goes first; a pod claimed by another SLA is left to it
    podRef: { uid: true },
    slaRef: { name: true },
    // set once the pod is scheduled
    nodeName: true,
    // what was written last, for the desired-write gate
    desired: true,
  },
} as const satisfies KeepList<PodScale>;

/** A PodScale as the hub caches it (a PodScale is one, so tests may pass full objects). */
export type CachedPodScale = Kept<PodScale, typeof CACHED_PODSCALE_FIELDS>;

/**
 * The agent's PodScales (only its node's with the spec.nodeName field selector, else every one of
 * the cluster): the pod and SLA they name, and their status whole, which the agent's next status is
 * built from (conditions' transition times, lastResizeTime) and compared with before it is written:
 * a field dropped here would be written as missing, and would make every status look changed.
 */
export const AGENT_PODSCALE_FIELDS = {
  metadata: { name: true, namespace: true, resourceVersion: true },
  spec: { podRef: { uid: true }, slaRef: { name: true }, container: true },
  status: true,
} as const satisfies KeepList<PodScale>;

/** A PodScale as the agent caches it. */
export type AgentPodScale = Kept<PodScale, typeof AGENT_PODSCALE_FIELDS>;

/**
 * The hub's SLAs. The spec is the policy, read nearly whole; the status is kept whole because the
 * next status is built from it and compared with it before its merge patch (conditions replace the
 * list whole). Dropped: annotations (kubectl's last-applied copy of the spec), labels, owners, finalizers.
 */
export const CACHED_SLA_FIELDS = {
  // the Events' `regarding` reference
  apiVersion: true,
  kind: true,
  metadata: {
    name: true,
    namespace: true,
    // the Events' `regarding` reference
    uid: true,
    // the informer's same-version check and its relist diff
    resourceVersion: true,
    // the status's observedGeneration
    generation: true,
  },
  spec: true,
  status: true,
} as const satisfies KeepList<ServiceLevelAgreement>;

/** An SLA as the hub caches it (a ServiceLevelAgreement is one). */
export type CachedSla = Kept<ServiceLevelAgreement, typeof CACHED_SLA_FIELDS>;
