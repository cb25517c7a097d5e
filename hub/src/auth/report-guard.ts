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

/**
 * A node's report all of whose pods were placed on it: their uids in order, and the node's placement
 * version then (uids only, so the report's samples are not kept beyond the model's own copy).
 */
export interface PlacedPods {
  version: number;
  uids: readonly string[];
}

function sameUids(uids: readonly string[], pods: readonly GuardedPod[]): boolean {
  if (uids.length !== pods.length) return false;
  for (let i = 0; i < uids.length; i++) if (uids[i] !== pods[i]?.uid) return false;
  return true;
}

/**
 * guardReport for a node's stream that remembers its last fully placed report: a report naming the
 * same pods in the same order while the node's placement version (pod-placements.ts) is unchanged
 * has every pod still placed on the node, so it passes without a lookup per pod (the steady state:
 * 30 lookups in a cluster-wide map per report otherwise). `placed` is what to remember next (`last`
 * itself when it still holds).
 */
export function guardReportSince<R extends GuardedReport>(
  identityNode: string,
  report: R,
  placement: PodPlacement,
  version: number,
  last: PlacedPods | undefined,
): { result: GuardResult<R>; placed: PlacedPods | undefined } {
  if (
    last !== undefined &&
    last.version === version &&
    report.nodeName === identityNode &&
    sameUids(last.uids, report.pods)
  ) {
    return { result: { ok: true, report, refused: [] }, placed: last };
  }
  const result = guardReport(identityNode, report, placement);
  const placed =
    result.ok && result.refused.length === 0 ? { version, uids: report.pods.map((p) => p.uid) } : undefined;
  return { result, placed };
}
