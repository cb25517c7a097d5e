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

/**
 * Σ (allocatable − requested) over the nodes where that is at least newPodCpuMilli, millicores.
 * An estimate: taints, affinity and other schedulers' placements are not known here; the
 * horizontal decision trusts the scheduler's verdict (Unschedulable pods) over it.
 */
export function scaleOutRoom(nodes: Iterable<NodeRoomInput>, newPodCpuMilli: number): number {
  const least = Math.max(1, newPodCpuMilli);
  let room = 0;
  for (const node of nodes) {
    const free = node.allocatableCpuMilli - node.requestedCpuMilli;
    if (free >= least) room += free;
  }
  return room;
}
