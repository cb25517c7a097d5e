// The plan step, shared by the live hub's loop and the discrete-time simulator: one service's
// observations, its policy and state → planService's plan (desired per pod, replicas). Pure.
import type { PlanServiceFn, ServiceControlState, ServicePlan, ServicePolicy } from '../control/types.ts';
import type { ServiceObserved } from './observe.ts';

export interface PlanStepInput {
  policy: ServicePolicy;
  state: ServiceControlState | undefined;
  observed: ServiceObserved;
  nowSeconds: number;
  /** spec.replicas of the target. */
  currentReplicas: number;
  /** Nodes are added on demand (the hub's --nodes-autoscaled). */
  nodesAutoscaled: boolean;
  /** CPU a new pod asks for, as last seen on a pod not ready yet; else the SLA's default, else its minimum. */
  newPodCpuMilli: number | undefined;
  /** Where a pod of that size could land (horizontal/room.ts), asked only when some pod is node-capped. */
  room: (newPodCpuMilli: number) => number;
}

export function planStep(planService: PlanServiceFn, i: PlanStepInput): ServicePlan {
  const { policy, observed } = i;
  const newPodCpuMilli = i.newPodCpuMilli ?? policy.defaultResources.cpuMilli ?? policy.minResources.cpuMilli;
  const capped = observed.pods.some((p) => p.capped.cpuMilli > 0);
  return planService(policy, i.state, {
    nowSeconds: i.nowSeconds,
    currentReplicas: i.currentReplicas,
    readyReplicas: observed.readyReplicas,
    pods: observed.pods,
    unschedulableReplicas: observed.unschedulableReplicas,
    nodesAutoscaled: i.nodesAutoscaled,
    ...(!i.nodesAutoscaled && capped ? { scaleOutRoomCpuMilli: i.room(newPodCpuMilli) } : {}),
  });
}
