// Keeps an agent to its own node: a report must come from the authenticated node, and only pods
// the hub knows to be placed on that node are folded in. Pure.

/** Where a pod is scheduled, by uid, from the hub's pod informer; undefined when unknown. */
export type PodPlacement = (uid: string) => string | undefined;

export interface RefusedPod {
  uid: string;
  namespace: string;
  name: string;
  reason: 'other-node' | 'unknown-pod';
  placedOn?: string;
}

/** What the guard reads of a report: the wire's NodeReport and the domain NodeSample both have it. */
export interface GuardedReport {
  nodeName: string;
  pods: readonly GuardedPod[];
}

export interface GuardedPod {
  uid: string;
  namespace: string;
  name: string;
}

export type GuardResult<R> = { ok: true; report: R; refused: RefusedPod[] } | { ok: false; reason: string };

export function guardReport<R extends GuardedReport>(
  identityNode: string,
  report: R,
  placement: PodPlacement,
): GuardResult<R> {
  if (report.nodeName !== identityNode) {
    return {
      ok: false,
      reason: `report names node ${report.nodeName}, stream is authenticated as ${identityNode}`,
    };
  }
  const kept: R['pods'][number][] = [];
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
  // the steady state: every pod is the node's, and the report goes on as it came
  if (refused.length === 0) return { ok: true, report, refused };
  return { ok: true, report: { ...report, pods: kept } as R, refused };
}
