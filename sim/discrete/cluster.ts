// Kubelet- and scheduler-like state of the simulated cluster: pods placed on the node with most
// free allocatable, in-place resizes enacted after a delay (Deferred when the node is full), restarts.

import { PodQueue, type WorkloadParams } from '../model/pod-queue.ts';
import { RtMixture, type UnitShape } from '../model/rt-distribution.ts';
import type { PodPhase, PodResources, ResizeStatus } from './controller.ts';

export interface SimNode {
  name: string;
  allocatable: PodResources;
  pods: SimPod[];
}

export interface SimPod {
  name: string;
  service: number;
  node: SimNode | null;
  phase: PodPhase;
  createdAtSeconds: number;
  readyAtSeconds: number;
  enacted: PodResources;
  desired: PodResources;
  /** Accepted resize waiting for enactment, or a Deferred one waiting for room. */
  pendingResize: { target: PodResources; enactAtSeconds: number } | null;
  resize: ResizeStatus;
  restarts: number;
  oomKills: number;
  weight: number;
  queue: PodQueue;
  window: PodWindow;
}

/** What a pod did since the controller's last look (the observation takes `rt` over, see observation.ts). */
export interface PodWindow {
  arrivals: number;
  completions: number;
  dropped: number;
  usedCpuSeconds: number;
  cfsPeriods: number;
  throttledPeriods: number;
  peakWorkingSetBytes: number;
  workingSetBytes: number;
  rt: RtMixture;
}

export function emptyWindow(shape: UnitShape): PodWindow {
  return {
    arrivals: 0,
    completions: 0,
    dropped: 0,
    usedCpuSeconds: 0,
    cfsPeriods: 0,
    throttledPeriods: 0,
    peakWorkingSetBytes: 0,
    workingSetBytes: 0,
    rt: new RtMixture(shape),
  };
}

export function resetWindow(w: PodWindow): void {
  w.arrivals = 0;
  w.completions = 0;
  w.dropped = 0;
  w.usedCpuSeconds = 0;
  w.cfsPeriods = 0;
  w.throttledPeriods = 0;
  w.peakWorkingSetBytes = w.workingSetBytes;
}

/** Sum over a node's pods of max(enacted, resize in progress): what the kubelet has admitted. */
export function allocatedOn(node: SimNode, except?: SimPod): PodResources {
  let cpuMilli = 0;
  let memoryBytes = 0;
  for (const pod of node.pods) {
    if (pod === except) continue;
    const inProgress = pod.resize === 'InProgress' ? pod.pendingResize?.target : undefined;
    cpuMilli += Math.max(pod.enacted.cpuMilli, inProgress?.cpuMilli ?? 0);
    memoryBytes += Math.max(pod.enacted.memoryBytes, inProgress?.memoryBytes ?? 0);
  }
  return { cpuMilli, memoryBytes };
}

function fits(node: SimNode, size: PodResources, except?: SimPod): boolean {
  const used = allocatedOn(node, except);
  return (
    used.cpuMilli + size.cpuMilli <= node.allocatable.cpuMilli + 1e-9 &&
    used.memoryBytes + size.memoryBytes <= node.allocatable.memoryBytes + 1e-9
  );
}

/** Places a pod on the node with the most free CPU (then memory, then name) that fits it. */
export function schedule(
  nodes: readonly SimNode[],
  pod: SimPod,
  nowSeconds: number,
  startupSeconds: number,
): boolean {
  let best: SimNode | null = null;
  let bestFree = -Infinity;
  let bestFreeMem = -Infinity;
  for (const node of nodes) {
    if (!fits(node, pod.enacted)) continue;
    const used = allocatedOn(node);
    const free = node.allocatable.cpuMilli - used.cpuMilli;
    const freeMem = node.allocatable.memoryBytes - used.memoryBytes;
    if (free > bestFree || (free === bestFree && freeMem > bestFreeMem)) {
      best = node;
      bestFree = free;
      bestFreeMem = freeMem;
    }
  }
  if (!best) {
    pod.phase = 'Pending';
    return false;
  }
  best.pods.push(pod);
  pod.node = best;
  pod.phase = 'Starting';
  pod.readyAtSeconds = nowSeconds + startupSeconds;
  return true;
}

export function unplace(pod: SimPod): void {
  if (!pod.node) return;
  const i = pod.node.pods.indexOf(pod);
  if (i >= 0) pod.node.pods.splice(i, 1);
  pod.node = null;
}

export function newPod(
  name: string,
  service: number,
  size: PodResources,
  params: WorkloadParams,
  nowSeconds: number,
): SimPod {
  return {
    name,
    service,
    node: null,
    phase: 'Pending',
    createdAtSeconds: nowSeconds,
    readyAtSeconds: Number.POSITIVE_INFINITY,
    enacted: { ...size },
    desired: { ...size },
    pendingResize: null,
    resize: 'None',
    restarts: 0,
    oomKills: 0,
    weight: 1,
    queue: new PodQueue(params),
    window: emptyWindow(params.shape),
  };
}

/**
 * Asks for an in-place resize: accepted (InProgress, enacted after the delay) when the node has
 * room, Infeasible when larger than the node, else Deferred (retried by retryDeferred()).
 */
export function requestResize(
  pod: SimPod,
  target: PodResources,
  nowSeconds: number,
  delaySeconds: number,
): void {
  pod.desired = { ...target };
  if (target.cpuMilli === pod.enacted.cpuMilli && target.memoryBytes === pod.enacted.memoryBytes) {
    pod.pendingResize = null;
    pod.resize = 'None';
    return;
  }
  const node = pod.node;
  if (!node) {
    // Not placed yet: the new size applies when it is scheduled.
    pod.enacted = { ...target };
    pod.pendingResize = null;
    pod.resize = 'None';
    return;
  }
  pod.pendingResize = { target: { ...target }, enactAtSeconds: nowSeconds + delaySeconds };
  if (target.cpuMilli > node.allocatable.cpuMilli || target.memoryBytes > node.allocatable.memoryBytes) {
    pod.resize = 'Infeasible';
  } else if (fits(node, target, pod)) {
    pod.resize = 'InProgress';
  } else {
    pod.resize = 'Deferred';
  }
}

/** Re-tries a Deferred resize (the kubelet does so when room frees up); true when now accepted. */
export function retryDeferred(pod: SimPod, nowSeconds: number, delaySeconds: number): boolean {
  if (pod.resize !== 'Deferred' || !pod.node || !pod.pendingResize) return false;
  if (!fits(pod.node, pod.pendingResize.target, pod)) return false;
  pod.resize = 'InProgress';
  pod.pendingResize.enactAtSeconds = nowSeconds + delaySeconds;
  return true;
}

/**
 * Applies an accepted resize whose delay has passed; true when the size changed. Like the kubelet
 * (≥ 1.33), a memory limit below the current working set is not applied: the resize stays in progress.
 */
export function enactDue(pod: SimPod, nowSeconds: number): boolean {
  if (pod.resize !== 'InProgress' || !pod.pendingResize) return false;
  if (nowSeconds + 1e-9 < pod.pendingResize.enactAtSeconds) return false;
  if (pod.pendingResize.target.memoryBytes < pod.window.workingSetBytes) return false;
  pod.enacted = { ...pod.pendingResize.target };
  pod.pendingResize = null;
  pod.resize = 'None';
  return true;
}

/** Restarts a pod (OOM kill, or evict-and-recreate): the requests in it are lost; unready for startup. */
export function restart(pod: SimPod, nowSeconds: number, startupSeconds: number): number {
  const lost = pod.queue.reset();
  pod.window.workingSetBytes = pod.queue.params.baseMemoryBytes;
  pod.restarts++;
  if (pod.node) {
    pod.phase = 'Starting';
    pod.readyAtSeconds = nowSeconds + startupSeconds;
  }
  return lost;
}
