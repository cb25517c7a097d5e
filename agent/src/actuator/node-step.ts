// Pure: what the agent decides on its node — the hub's directive and the node's state in, grants
// (planGrants: SLA bounds, reserve, contention) and per granted pod the pods/resize patch to send
// (planResize: deadband, QoS, safe memory) out. The live agent and the simulator both call it.
import type { NodeDirective__Output } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { TrackedPod } from '../pods/node-view.ts';
import type { Allocation } from '../pods/pod-resources.ts';
import { type GrantPlan, type PodGrant, planGrants } from './grants.ts';
import {
  type Deadband,
  type MemoryLimitDecrease,
  planResize,
  type ResizePlan,
  type SkipReason,
} from './resize-plan.ts';

/** The agent's own terms of the step (flags --reserve-*, --deadband-*, --memory-limit-decrease). */
export interface NodeStepSettings {
  reserve: Allocation;
  deadband: Deadband;
  memoryLimitDecrease: MemoryLimitDecrease;
}

export type PodResizeDecision =
  | { kind: 'recommend-only' }
  | { kind: 'skip'; reason: SkipReason }
  /** A patch is due but the pod's last request failed and its backoff has not passed. */
  | { kind: 'backoff' }
  | { kind: 'patch'; plan: Extract<ResizePlan, { kind: 'patch' }> };

export interface PodResizeStep {
  pod: TrackedPod;
  grant: PodGrant;
  decision: PodResizeDecision;
  /** Memory request kept instead of the grant because lowering it was unsafe (undefined: none). */
  memoryHeldBytes: number | undefined;
  /** The working set the decision saw (undefined: unknown). */
  memoryUsageBytes: number | undefined;
}

export interface ResizeStepInput {
  /** The grants in force, by pod uid. */
  grants: ReadonlyMap<string, PodGrant>;
  /** The tracked pods, in the order their patches should be tried. */
  tracked: readonly TrackedPod[];
  /** Working set per pod uid (undefined: unknown, then a memory limit is never lowered). */
  memoryUsageBytes: ReadonlyMap<string, number | undefined>;
  deadband: Deadband;
  memoryLimitDecrease: MemoryLimitDecrease;
  /** When a pod whose last resize failed may be patched again (undefined: no failure pending). */
  retryAtMs?: (uid: string) => number | undefined;
  nowMs: number;
}

export interface NodeStepInput extends Omit<ResizeStepInput, 'grants' | 'deadband' | 'memoryLimitDecrease'> {
  directive: NodeDirective__Output;
  allocatable: Allocation;
  untrackedRequests: Allocation;
  /** memoryLimitDecrease: what the API server is known to accept now (the flag, until it refuses). */
  settings: NodeStepSettings;
}

export interface NodeStep {
  grants: GrantPlan;
  resizes: PodResizeStep[];
}

/** Per tracked pod with a grant, the resize to request now (or why none): CPU growth first, then in `tracked` order. */
export function planResizes(input: ResizeStepInput): PodResizeStep[] {
  const steps: PodResizeStep[] = [];
  for (const pod of input.tracked) {
    const grant = input.grants.get(pod.uid);
    if (!grant) continue;
    const memoryUsageBytes = input.memoryUsageBytes.get(pod.uid);
    if (grant.recommendOnly) {
      steps.push({
        pod,
        grant,
        decision: { kind: 'recommend-only' },
        memoryHeldBytes: undefined,
        memoryUsageBytes,
      });
      continue;
    }
    const plan = planResize({
      container: pod.container,
      qosClass: pod.qosClass,
      current: pod.spec,
      target: grant.granted,
      memoryUsageBytes,
      deadband: input.deadband,
      memoryLimitDecrease: input.memoryLimitDecrease,
    });
    const memoryHeldBytes = !plan.memoryCapped
      ? undefined
      : plan.kind === 'patch'
        ? plan.requested.memoryBytes
        : (pod.spec.memoryRequestBytes ?? 0);
    const retryAtMs = input.retryAtMs?.(pod.uid);
    const decision: PodResizeDecision =
      plan.kind === 'skip'
        ? { kind: 'skip', reason: plan.reason }
        : retryAtMs !== undefined && input.nowMs < retryAtMs
          ? { kind: 'backoff' }
          : { kind: 'patch', plan };
    steps.push({ pod, grant, decision, memoryHeldBytes, memoryUsageBytes });
  }
  // CPU growth first: when the write budget runs short it is a shrink that waits, not a pod under load.
  const grows = (s: PodResizeStep) =>
    s.decision.kind === 'patch' && s.decision.plan.requested.cpuMilli > (s.pod.spec.cpuRequestMilli ?? 0);
  return [...steps.filter(grows), ...steps.filter((s) => !grows(s))];
}

/** The whole step on a new directive: grants, then the resizes they call for. */
export function nodeStep(input: NodeStepInput): NodeStep {
  const grants = planGrants({
    directive: input.directive,
    tracked: input.tracked,
    allocatable: input.allocatable,
    untrackedRequests: input.untrackedRequests,
    reserve: input.settings.reserve,
  });
  const resizes = planResizes({
    ...input,
    grants: new Map(grants.grants.map((g) => [g.uid, g])),
    deadband: input.settings.deadband,
    memoryLimitDecrease: input.settings.memoryLimitDecrease,
  });
  return { grants, resizes };
}
