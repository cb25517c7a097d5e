// Pure: from the hub's directive and this node's view to per-pod grants — SLA bounds applied,
// capacity = allocatable − untracked requests − reserve − pods the directive does not resize,
// then the node-contention arbiter.
import type { ArbitrationPolicyName } from '../../../lib/api/types.ts';
import { arbitrationPolicyFromWire } from '../../../lib/grpc/wire-enums.ts';
import type { NodeDirective__Output } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import { type ArbitrationTerms, arbitrate, nodeCapacity } from '../arbiter/index.ts';
import type { TrackedPod } from '../pods/node-view.ts';
import type { Allocation } from '../pods/pod-resources.ts';

export type GrantReasonName = 'None' | 'NodeContention' | 'SLABound';

export interface PodGrant {
  uid: string;
  pod: string;
  /** What the hub desired (0 resources replaced by the current request). */
  desired: Allocation;
  /** What the hub said the pod's SLO takes without margins: protected first under contention. */
  essential?: Allocation;
  granted: Allocation;
  reason: GrantReasonName;
  recommendOnly: boolean;
}

export interface GrantPlan {
  policy: ArbitrationPolicyName;
  allocatable: Allocation;
  untrackedRequests: Allocation;
  reserve: Allocation;
  /** Requests of tracked pods the directive leaves alone (not directed, or recommend-only). */
  heldRequests: Allocation;
  capacity: Allocation;
  grants: PodGrant[];
  /** Directed pods this agent does not see on its node. */
  unknownPods: string[];
  terms: ArbitrationTerms;
}

export interface GrantInput {
  directive: NodeDirective__Output;
  tracked: readonly TrackedPod[];
  allocatable: Allocation;
  untrackedRequests: Allocation;
  /** The agent's configured reserve; the directive's, when larger, wins per resource. */
  reserve: Allocation;
}

const zero = (): Allocation => ({ cpuMilli: 0, memoryBytes: 0 });

function currentRequests(pod: TrackedPod): Allocation {
  return { cpuMilli: pod.spec.cpuRequestMilli ?? 0, memoryBytes: pod.spec.memoryRequestBytes ?? 0 };
}

export function planGrants(input: GrantInput): GrantPlan {
  const { directive } = input;
  const policy = arbitrationPolicyFromWire(directive.policy);
  const reserve = {
    cpuMilli: Math.max(input.reserve.cpuMilli, directive.reserve?.cpuMilli ?? 0),
    memoryBytes: Math.max(input.reserve.memoryBytes, directive.reserve?.memoryBytes ?? 0),
  };
  const byUid = new Map(input.tracked.map((p) => [p.uid, p]));
  const directedUids = new Set<string>();
  const held = zero();
  const arbitrated: Array<{
    pod: TrackedPod;
    desired: Allocation;
    bounded: Allocation;
    minimum: Allocation;
    essential: Allocation;
    priority: number;
  }> = [];
  const recommendOnly: PodGrant[] = [];
  const unknownPods: string[] = [];
  for (const d of directive.pods) {
    const pod = byUid.get(d.uid);
    if (!pod) {
      unknownPods.push(`${d.namespace}/${d.name}`);
      continue;
    }
    directedUids.add(d.uid);
    const current = currentRequests(pod);
    const desired = {
      cpuMilli: (d.desired?.cpuMilli ?? 0) > 0 ? d.desired!.cpuMilli : current.cpuMilli,
      memoryBytes: (d.desired?.memoryBytes ?? 0) > 0 ? d.desired!.memoryBytes : current.memoryBytes,
    };
    if (d.recommendOnly) {
      held.cpuMilli += current.cpuMilli;
      held.memoryBytes += current.memoryBytes;
      recommendOnly.push({
        uid: d.uid,
        pod: `${pod.namespace}/${pod.name}`,
        desired,
        granted: current,
        reason: 'None',
        recommendOnly: true,
      });
      continue;
    }
    const max = d.maximum ?? zero();
    const bounded = {
      cpuMilli: max.cpuMilli > 0 ? Math.min(desired.cpuMilli, max.cpuMilli) : desired.cpuMilli,
      memoryBytes: max.memoryBytes > 0 ? Math.min(desired.memoryBytes, max.memoryBytes) : desired.memoryBytes,
    };
    arbitrated.push({
      pod,
      desired,
      bounded,
      minimum: d.minimum ?? zero(),
      essential: d.essential ?? zero(),
      priority: d.priority > 0 ? d.priority : 1,
    });
  }
  for (const pod of input.tracked) {
    if (directedUids.has(pod.uid)) continue;
    const current = currentRequests(pod);
    held.cpuMilli += current.cpuMilli;
    held.memoryBytes += current.memoryBytes;
  }
  const occupied = {
    cpuMilli: input.untrackedRequests.cpuMilli + held.cpuMilli,
    memoryBytes: input.untrackedRequests.memoryBytes + held.memoryBytes,
  };
  const capacity = nodeCapacity(input.allocatable, occupied, reserve);
  const result = arbitrate({
    capacity,
    policy,
    pods: arbitrated.map((a) => ({
      key: a.pod.uid,
      desired: a.bounded,
      minimum: a.minimum,
      essential: a.essential,
      priority: a.priority,
    })),
  });
  const grants: PodGrant[] = arbitrated.map((a, i) => {
    const grant = result.grants[i]!;
    const slaBound = a.bounded.cpuMilli < a.desired.cpuMilli || a.bounded.memoryBytes < a.desired.memoryBytes;
    return {
      uid: a.pod.uid,
      pod: `${a.pod.namespace}/${a.pod.name}`,
      desired: a.desired,
      essential: a.essential,
      granted: grant.granted,
      reason: grant.capped ? 'NodeContention' : slaBound ? 'SLABound' : 'None',
      recommendOnly: false,
    };
  });
  return {
    policy,
    allocatable: input.allocatable,
    untrackedRequests: input.untrackedRequests,
    reserve,
    heldRequests: held,
    capacity,
    grants: [...grants, ...recommendOnly],
    unknownPods,
    terms: result.terms,
  };
}
