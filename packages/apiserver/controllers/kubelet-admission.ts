// The kubelet's admission decisions, pure: whether a bound pod may start on its node (else it
// fails with OutOfcpu / OutOfmemory, as the kubelet's resource fit predicate) and whether a
// resize fits (KEP-1287: Infeasible above allocatable, Deferred above what others hold).
import type { KObject } from '../object-types.ts';
import { podRequests, type ResourceAmounts } from '../pods.ts';
import { allocatedRequests, isTerminal, nodeAllocatable } from './node-accounting.ts';

export type PodAdmission = { admit: true } | { admit: false; reason: string; message: string };

export interface ResizeFeasibility {
  outcome: 'InProgress' | 'Deferred' | 'Infeasible';
  message?: string;
}

/** What the admitted pods hold: the kubelet's allocated resources, else their spec requests. */
export function admittedUsage(admitted: readonly KObject[], exceptUid?: string): ResourceAmounts {
  const used = { cpuMilli: 0, memoryBytes: 0 };
  for (const p of admitted) {
    if (isTerminal(p) || p.metadata.uid === exceptUid) continue;
    const r = allocatedRequests(p) ?? podRequests(p.spec);
    used.cpuMilli += r.cpuMilli;
    used.memoryBytes += r.memoryBytes;
  }
  return used;
}

function checks(want: ResourceAmounts, cap: ResourceAmounts, used: ResourceAmounts) {
  return [
    { resource: 'cpu', want: want.cpuMilli, cap: cap.cpuMilli, used: used.cpuMilli },
    { resource: 'memory', want: want.memoryBytes, cap: cap.memoryBytes, used: used.memoryBytes },
  ];
}

/** The kubelet's fit check for a pod about to start (node allocatable minus admitted pods). */
export function admitPod(pod: KObject, node: KObject, admitted: readonly KObject[]): PodAdmission {
  const used = admittedUsage(admitted, pod.metadata.uid);
  for (const c of checks(podRequests(pod.spec), nodeAllocatable(node), used)) {
    if (c.want > 0 && c.want > c.cap - c.used) {
      return {
        admit: false,
        reason: `OutOf${c.resource}`,
        message: `Pod was rejected: Node didn't have enough resource: ${c.resource}, requested: ${c.want}, used: ${c.used}, capacity: ${c.cap}`,
      };
    }
  }
  return { admit: true };
}

/** Whether a running pod's desired resources fit its node now, later, or never. */
export function resizeFeasibility(
  pod: KObject,
  node: KObject,
  admitted: readonly KObject[],
): ResizeFeasibility {
  const cap = nodeAllocatable(node);
  const used = admittedUsage(admitted, pod.metadata.uid);
  const all = checks(podRequests(pod.spec), cap, used);
  for (const c of all) {
    if (c.want > c.cap) {
      return {
        outcome: 'Infeasible',
        message: `Node didn't have enough capacity: ${c.resource}, requested: ${c.want}, capacity: ${c.cap}`,
      };
    }
  }
  for (const c of all) {
    if (c.want > c.cap - c.used) {
      return {
        outcome: 'Deferred',
        message: `Node didn't have enough resource: ${c.resource}, requested: ${c.want}, used: ${c.used}, capacity: ${c.cap}`,
      };
    }
  }
  return { outcome: 'InProgress' };
}
