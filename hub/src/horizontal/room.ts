// Where a new pod could land: the CPU the nodes can still give, counted only on nodes where a pod
// of the given size fits (the scheduler places a pod whole on one node, by its requests).

export interface NodeRoomInput {
  allocatableCpuMilli: number;
  /**
   * CPU the node has promised: requests of pods kosmos does not track, plus, for each tracked pod,
   * the larger of what it has and what it was last asked to have (a pod held back by contention
   * still wants its desired size; the room is not there for a newcomer).
   */
  requestedCpuMilli: number;
}

/** What one node has promised, as the hub knows it (its agent's report and the hub's own plans). */
export interface NodePromises {
  allocatableCpuMilli: number;
  /** Requests of the node's pods kosmos does not track. */
  untrackedCpuMilli: number;
  /** Each tracked pod on the node: its reported enacted CPU (0 unreported) and last planned CPU (0 none). */
  pods: Iterable<{ enactedCpuMilli: number; plannedCpuMilli: number }>;
}

/** The node's promised CPU: untracked requests plus, per tracked pod, max(enacted, planned). */
export function nodeRoomInput(node: NodePromises): NodeRoomInput {
  let requestedCpuMilli = node.untrackedCpuMilli;
  for (const pod of node.pods) requestedCpuMilli += Math.max(pod.enactedCpuMilli, pod.plannedCpuMilli);
  return { allocatableCpuMilli: node.allocatableCpuMilli, requestedCpuMilli };
}

/**
 * Where a pod of newPodCpuMilli could land, asked for many sizes over the same nodes: Σ (allocatable −
 * requested) over the nodes where that is at least newPodCpuMilli, millicores. The free CPU per node
 * is sorted once, each question answered by binary search (O(log nodes)); the hub asks once per SLA
 * per period. An estimate: taints, affinity and other schedulers' placements are not known here;
 * the horizontal decision trusts the scheduler's verdict (Unschedulable pods) over it.
 */
export function roomIndex(nodes: Iterable<NodeRoomInput>): (newPodCpuMilli: number) => number {
  const free: number[] = [];
  for (const node of nodes) {
    const f = node.allocatableCpuMilli - node.requestedCpuMilli;
    if (f > 0) free.push(f);
  }
  free.sort((a, b) => b - a);
  // atLeast[i] = Σ free[0..i-1]: the room on the i roomiest nodes.
  const atLeast = [0];
  for (const f of free) atLeast.push(atLeast[atLeast.length - 1]! + f);
  return (newPodCpuMilli) => {
    const least = Math.max(1, newPodCpuMilli);
    let lo = 0;
    let hi = free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (free[mid]! >= least) lo = mid + 1;
      else hi = mid;
    }
    return atLeast[lo]!;
  };
}
