// What a node has left: allocatable minus the requests of the active pods bound to it (the
// larger of desired and allocated while a resize is pending), as scheduler and kubelet see it.
import { parseCpuMilli, parseMemoryBytes } from '../../../lib/quantity.ts';
import type { Json, KObject } from '../object-types.ts';
import { podRequests, type ResourceAmounts } from '../pods.ts';

export function nodeAllocatable(node: KObject): ResourceAmounts {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return { cpuMilli: parseCpuMilli(a.cpu ?? 0), memoryBytes: parseMemoryBytes(a.memory ?? 0) };
}

/** Requests the kubelet has admitted (containerStatuses[].allocatedResources), if it has. */
export function allocatedRequests(pod: KObject): ResourceAmounts | undefined {
  const statuses: Json[] = pod.status?.containerStatuses ?? [];
  if (statuses.length === 0 || !statuses.every((s) => s.allocatedResources)) return undefined;
  const total = { cpuMilli: 0, memoryBytes: 0 };
  for (const s of statuses) {
    if (s.allocatedResources.cpu !== undefined) total.cpuMilli += parseCpuMilli(s.allocatedResources.cpu);
    if (s.allocatedResources.memory !== undefined)
      total.memoryBytes += parseMemoryBytes(s.allocatedResources.memory);
  }
  return total;
}

export function isTerminal(pod: KObject): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** Requests a pod holds on its node: max(desired, allocated) per resource. */
export function heldRequests(pod: KObject): ResourceAmounts {
  const desired = podRequests(pod.spec);
  const allocated = allocatedRequests(pod);
  if (!allocated) return desired;
  return {
    cpuMilli: Math.max(desired.cpuMilli, allocated.cpuMilli),
    memoryBytes: Math.max(desired.memoryBytes, allocated.memoryBytes),
  };
}

/** Sum of what the given pods hold (terminal pods hold nothing). */
export function usedOnNode(pods: KObject[], exceptUid?: string): ResourceAmounts {
  const used = { cpuMilli: 0, memoryBytes: 0 };
  for (const p of pods) {
    if (isTerminal(p) || p.metadata.uid === exceptUid) continue;
    const r = heldRequests(p);
    used.cpuMilli += r.cpuMilli;
    used.memoryBytes += r.memoryBytes;
  }
  return used;
}
