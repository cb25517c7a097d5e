// CPU a Burstable pod (limit above request) gets in one step: what its node has idle, up to its
// limit; when the node's pods want more than it has, CFS shares split it in proportion to requests.

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
