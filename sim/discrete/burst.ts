// What a pod's CPU does in one step beyond its size: a Burstable pod (limit above request) gets what
// its node has idle, up to its limit (CFS shares by request when contended); warm-up and a noisy
// neighbour make its CPU-seconds do less work.
import type { WorkloadParams } from '../model/pod-queue.ts';
import type { NoisyNeighbour } from '../scenario/types.ts';
import type { SimNode, SimPod } from './cluster.ts';
import type { SimService } from './sim-service.ts';

/** One running pod of a node in this step. */
export interface BurstClaim {
  requestCores: number;
  limitCores: number;
  /** CPU the pod could use this step (work in it plus arriving), in cores. */
  wantCores: number;
}

/**
 * Capacity of each pod (same order). When every pod's max(request, want) fits the node, each may
 * run up to its limit; otherwise the node is water-filled in proportion to requests, each pod
 * capped at max(request, min(want, limit)) — a pod keeps at least its request's share.
 */
export function burstCapacities(claims: readonly BurstClaim[], nodeCores: number): number[] {
  const demand = claims.map((c) => Math.max(c.requestCores, Math.min(c.wantCores, c.limitCores)));
  if (demand.reduce((a, b) => a + b, 0) <= nodeCores + 1e-9) return claims.map((c) => c.limitCores);
  const out = claims.map(() => 0);
  let left = nodeCores;
  let open = claims.map((_, i) => i);
  while (open.length > 0 && left > 1e-12) {
    const weight = open.reduce((a, i) => a + claims[i]!.requestCores, 0);
    if (!(weight > 0)) break;
    const share = left / weight;
    const satisfied = open.filter((i) => demand[i]! - out[i]! <= share * claims[i]!.requestCores + 1e-12);
    if (satisfied.length === 0) {
      for (const i of open) out[i]! += share * claims[i]!.requestCores;
      break;
    }
    for (const i of satisfied) {
      left -= demand[i]! - out[i]!;
      out[i] = demand[i]!;
    }
    open = open.filter((i) => !satisfied.includes(i));
  }
  return out;
}

/** Step capacity of running pods on nodes that host a Burstable pod (others run at their size). */
export function nodeBurstCapacities(
  nodes: readonly SimNode[],
  services: readonly SimService[],
  dtSeconds: number,
): Map<SimPod, number> | undefined {
  if (!services.some((s) => (s.spec.cpuLimitMilli ?? 0) > 0)) return undefined;
  const out = new Map<SimPod, number>();
  const serviceOf = (pod: SimPod) => services[pod.service]!;
  for (const node of nodes) {
    const running = node.pods.filter((p) => p.phase === 'Running');
    if (!running.some((p) => (serviceOf(p).spec.cpuLimitMilli ?? 0) > p.enacted.cpuMilli)) continue;
    const claims: BurstClaim[] = running.map((p) => {
      const service = serviceOf(p);
      const requestCores = p.enacted.cpuMilli / 1000;
      const arriving = service.split[service.pods.indexOf(p)] ?? 0;
      return {
        requestCores,
        limitCores: Math.max(requestCores, (service.spec.cpuLimitMilli ?? 0) / 1000),
        wantCores: ((p.queue.inFlight + arriving) * service.params.cpuSecondsPerRequest) / dtSeconds,
      };
    });
    // CPU no pod of the run requested is taken by the cluster's other tenants (a bin-packed cluster:
    // cores a service does not reserve are cores someone else uses), with a share by that request.
    const nodeCores = node.allocatable.cpuMilli / 1000;
    const requested = node.pods.reduce((a, p) => a + p.enacted.cpuMilli / 1000, 0);
    claims.push({
      requestCores: Math.max(0, nodeCores - requested),
      limitCores: nodeCores,
      wantCores: nodeCores,
    });
    const caps = burstCapacities(claims, nodeCores);
    running.forEach((p, i) => {
      out.set(p, caps[i]!);
    });
  }
  return out;
}

/** Work done per CPU-second by a pod now: 1, less while warming up or beside a noisy neighbour. */
export function podSpeed(
  pod: SimPod,
  params: WorkloadParams,
  noisy: NoisyNeighbour | undefined,
  nowSeconds: number,
): number {
  let speed = 1;
  const warmup = params.warmupSeconds;
  // Pods present at t = 0 are warm; later ones (scale-out, restarts) start at half speed.
  if (warmup && (pod.createdAtSeconds > 0 || pod.restarts > 0)) {
    speed *= 0.5 + 0.5 * Math.min(1, Math.max(0, (nowSeconds - pod.readyAtSeconds) / warmup));
  }
  if (noisy && pod.node?.name === noisy.node && nowSeconds % noisy.periodSeconds < noisy.activeSeconds) {
    speed *= 1 - noisy.slowdown;
  }
  return speed;
}
