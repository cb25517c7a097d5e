// Pure: why a tracked pod does not have what the hub desired — the arbiter's grant, the SLA
// bound, an unsafe memory decrease held back, or the kubelet's Deferred/Infeasible answer.
import type { CapReasonName } from '../../../lib/api/types.ts';
import type { Allocation, ResizeStatus } from '../pods/pod-resources.ts';

/** `capped` is the ceiling the pod is held to for each capped resource (0 = that one is not capped). */
export interface CapState {
  capped: Allocation;
  reason: CapReasonName;
  message: string;
}

export interface CapInput {
  desired: Allocation | undefined;
  granted: Allocation | undefined;
  grantReason: 'None' | 'NodeContention' | 'SLABound';
  /** Memory the actuator kept instead of the grant, when lowering it was unsafe. */
  memoryHeldBytes: number | undefined;
  resize: ResizeStatus;
  enacted: Allocation | undefined;
}

function below(limit: Allocation, wanted: Allocation): Allocation {
  return {
    cpuMilli: limit.cpuMilli < wanted.cpuMilli ? limit.cpuMilli : 0,
    memoryBytes: limit.memoryBytes < wanted.memoryBytes ? limit.memoryBytes : 0,
  };
}

export function decideCap(input: CapInput): CapState | undefined {
  const enacted = input.enacted ?? { cpuMilli: 0, memoryBytes: 0 };
  if (input.resize.state === 'Infeasible' || input.resize.state === 'Deferred') {
    return {
      capped: enacted,
      reason: input.resize.state === 'Infeasible' ? 'ResizeInfeasible' : 'ResizeDeferred',
      message: input.resize.message || `resize ${input.resize.state.toLowerCase()} by the kubelet`,
    };
  }
  const { desired, granted } = input;
  if (desired && granted && input.grantReason !== 'None') {
    const capped = below(granted, desired);
    if (capped.cpuMilli > 0 || capped.memoryBytes > 0) {
      const reason = input.grantReason;
      return {
        capped,
        reason,
        message:
          reason === 'NodeContention'
            ? 'desired allocation does not fit the node: granted a share of its free capacity'
            : 'desired allocation exceeds the SLA maximum',
      };
    }
  }
  if (input.memoryHeldBytes !== undefined && granted && input.memoryHeldBytes !== granted.memoryBytes) {
    return {
      capped: { cpuMilli: 0, memoryBytes: input.memoryHeldBytes },
      reason: 'MemoryUnsafeDecrease',
      message: 'memory limit not lowered: below current usage or the server refuses memory limit decreases',
    };
  }
  return undefined;
}

export interface CapsInput {
  tracked: readonly { uid: string; resize: ResizeStatus; enacted: Allocation | undefined }[];
  grants: ReadonlyMap<string, { desired: Allocation; granted: Allocation; reason: CapInput['grantReason'] }>;
  memoryHeldBytes: ReadonlyMap<string, number>;
  /** Resize states the API server answered with this tick (newer than the pod's). */
  fresh: ReadonlyMap<string, ResizeStatus>;
}

/** decideCap for every tracked pod that is capped, by uid. */
export function capsOf(input: CapsInput): Map<string, CapState> {
  const caps = new Map<string, CapState>();
  for (const pod of input.tracked) {
    const grant = input.grants.get(pod.uid);
    const cap = decideCap({
      desired: grant?.desired,
      granted: grant?.granted,
      grantReason: grant?.reason ?? 'None',
      memoryHeldBytes: input.memoryHeldBytes.get(pod.uid),
      resize: input.fresh.get(pod.uid) ?? pod.resize,
      enacted: pod.enacted,
    });
    if (cap) caps.set(pod.uid, cap);
  }
  return caps;
}
