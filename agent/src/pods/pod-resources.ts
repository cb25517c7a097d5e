// Pure readings of a Pod object: a container's requests/limits, its QoS class, what the kubelet
// enacted (containerStatuses[].resources) and the state of the last in-place resize.
import type { ResizeStateName } from '../../../lib/api/types.ts';
import type { CachedContainer, CachedPod } from '../../../lib/cached-pod.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../../lib/quantity.ts';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** A container's resources; undefined when the field is not set. */
export interface ContainerResources {
  cpuRequestMilli?: number;
  cpuLimitMilli?: number;
  memoryRequestBytes?: number;
  memoryLimitBytes?: number;
}

/** An allocation as the wire speaks it (requests): CPU millicores, memory bytes; 0 = unknown/unset. */
export interface Allocation {
  cpuMilli: number;
  memoryBytes: number;
}

export type { ResizeStateName };

export interface ResizeStatus {
  state: ResizeStateName;
  message: string;
}

type QuantityMap = { [key: string]: string } | undefined;

function cpuOf(map: QuantityMap): number | undefined {
  const v = map?.['cpu'];
  return v === undefined ? undefined : parseCpuMilli(v);
}

function memoryOf(map: QuantityMap): number | undefined {
  const v = map?.['memory'];
  return v === undefined ? undefined : parseMemoryBytes(v);
}

export function resourcesOf(
  requirements: { requests?: QuantityMap; limits?: QuantityMap } | undefined,
): ContainerResources {
  // A limit without a request defaults the request to the limit (API server defaulting).
  const cpuLimitMilli = cpuOf(requirements?.limits);
  const memoryLimitBytes = memoryOf(requirements?.limits);
  return {
    cpuRequestMilli: cpuOf(requirements?.requests) ?? cpuLimitMilli,
    cpuLimitMilli,
    memoryRequestBytes: memoryOf(requirements?.requests) ?? memoryLimitBytes,
    memoryLimitBytes,
  };
}

export function findContainer(pod: CachedPod, name: string | undefined): CachedContainer | undefined {
  const containers = pod.spec?.containers ?? [];
  return name ? containers.find((c) => c.name === name) : containers[0];
}

/** The container's resources as the pod spec currently asks for them. */
export function specResources(pod: CachedPod, container: string): ContainerResources {
  return resourcesOf(findContainer(pod, container)?.resources as never);
}

/** The QoS class the API server assigned, or the one the spec implies. */
export function qosClassOf(pod: CachedPod): QosClass {
  const reported = pod.status?.qosClass;
  if (reported === 'Guaranteed' || reported === 'Burstable' || reported === 'BestEffort') return reported;
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) =>
    resourcesOf(c.resources as never),
  );
  if (all.every((r) => r.cpuRequestMilli === undefined && r.memoryRequestBytes === undefined))
    return 'BestEffort';
  const guaranteed = all.every(
    (r) =>
      r.cpuLimitMilli !== undefined &&
      r.memoryLimitBytes !== undefined &&
      r.cpuRequestMilli === r.cpuLimitMilli &&
      r.memoryRequestBytes === r.memoryLimitBytes,
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What the kubelet applied to the container: status resources requests, else allocated resources. */
export function enactedAllocation(pod: CachedPod, container: string): Allocation | undefined {
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  if (!status) return undefined;
  const applied = resourcesOf(status.resources as never);
  const allocated = resourcesOf({ requests: status.allocatedResources });
  const cpuMilli = applied.cpuRequestMilli ?? allocated.cpuRequestMilli;
  const memoryBytes = applied.memoryRequestBytes ?? allocated.memoryRequestBytes;
  if (cpuMilli === undefined && memoryBytes === undefined) return undefined;
  return { cpuMilli: cpuMilli ?? 0, memoryBytes: memoryBytes ?? 0 };
}

/** The state of the last resize, from the PodResizePending / PodResizeInProgress conditions (1.33+). */
export function resizeStatusOf(pod: CachedPod): ResizeStatus {
  const conditions = pod.status?.conditions ?? [];
  const pending = conditions.find((c) => c.type === 'PodResizePending' && c.status === 'True');
  if (pending) {
    const state = pending.reason === 'Infeasible' ? 'Infeasible' : 'Deferred';
    return { state, message: pending.message ?? '' };
  }
  const inProgress = conditions.find((c) => c.type === 'PodResizeInProgress' && c.status === 'True');
  if (inProgress) {
    return {
      state: inProgress.reason === 'Error' ? 'Error' : 'InProgress',
      message: inProgress.message ?? '',
    };
  }
  // Servers before 1.33 report the deprecated status.resize field instead.
  const legacy = pod.status?.resize;
  if (legacy === 'Infeasible' || legacy === 'Deferred') return { state: legacy, message: '' };
  if (legacy === 'InProgress' || legacy === 'Proposed') return { state: 'InProgress', message: '' };
  return { state: 'None', message: '' };
}

export function isTerminated(pod: CachedPod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Effective requests of a pod as the scheduler counts them, each resource on its own: Σ containers
 * plus Σ restartable init containers (sidecars, restartPolicy Always, which run beside them), or the
 * largest init step if more (a regular init container beside the sidecars started before it; a
 * sidecar beside those before it and itself), plus overhead.
 */
export function podRequests(pod: CachedPod): Allocation {
  let cpuMilli = 0;
  let memoryBytes = 0;
  for (const c of pod.spec?.containers ?? []) {
    const r = resourcesOf(c.resources as never);
    cpuMilli += r.cpuRequestMilli ?? 0;
    memoryBytes += r.memoryRequestBytes ?? 0;
  }
  let sidecarCpu = 0;
  let sidecarMemory = 0;
  let initCpu = 0;
  let initMemory = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    const r = resourcesOf(c.resources as never);
    const cpu = r.cpuRequestMilli ?? 0;
    const memory = r.memoryRequestBytes ?? 0;
    if (c.restartPolicy === 'Always') {
      sidecarCpu += cpu;
      sidecarMemory += memory;
      initCpu = Math.max(initCpu, sidecarCpu);
      initMemory = Math.max(initMemory, sidecarMemory);
    } else {
      initCpu = Math.max(initCpu, cpu + sidecarCpu);
      initMemory = Math.max(initMemory, memory + sidecarMemory);
    }
  }
  const overhead = resourcesOf({ requests: pod.spec?.overhead });
  return {
    cpuMilli: Math.max(cpuMilli + sidecarCpu, initCpu) + (overhead.cpuRequestMilli ?? 0),
    memoryBytes: Math.max(memoryBytes + sidecarMemory, initMemory) + (overhead.memoryRequestBytes ?? 0),
  };
}

export interface ContainerHealth {
  ready: boolean;
  restartCount: number;
  lastTerminationOom: boolean;
  containerId: string;
}

export function containerHealth(pod: CachedPod, container: string): ContainerHealth {
  const s = pod.status?.containerStatuses?.find((c) => c.name === container);
  return {
    ready: s?.ready ?? false,
    restartCount: s?.restartCount ?? 0,
    lastTerminationOom: s?.lastState?.terminated?.reason === 'OOMKilled',
    containerId: s?.containerID ?? '',
  };
}
