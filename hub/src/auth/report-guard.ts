// Keeps an agent to its own node: a report must come from the authenticated node, and only pods
// the hub knows to be placed on that node are folded in. Pure.
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport__Output } from '../../../proto/gen/kosmos/v1/PodReport.ts';

/** Where a pod is scheduled, by uid, from the hub's pod informer; undefined when unknown. */
export type PodPlacement = (uid: string) => string | undefined;

export interface RefusedPod {
  uid: string;
  namespace: string;
  name: string;
  reason: 'other-node' | 'unknown-pod';
  placedOn?: string;
}

export type GuardResult =
  | { ok: true; report: NodeReport__Output; refused: RefusedPod[] }
  | { ok: false; reason: string };

export function guardReport(
  identityNode: string,
  report: NodeReport__Output,
  placement: PodPlacement,
): GuardResult {
  if (report.nodeName !== identityNode) {
    return {
      ok: false,
      reason: `report names node ${report.nodeName}, stream is authenticated as ${identityNode}`,
    };
  }
  const kept: PodReport__Output[] = [];
  const refused: RefusedPod[] = [];
  for (const pod of report.pods) {
    const placedOn = placement(pod.uid);
    if (placedOn === identityNode) kept.push(pod);
    else
      refused.push({
        uid: pod.uid,
        namespace: pod.namespace,
        name: pod.name,
        reason: placedOn === undefined ? 'unknown-pod' : 'other-node',
        placedOn,
      });
  }
  return { ok: true, report: { ...report, pods: kept }, refused };
}
