// Shapes of the horizontal decision: when and by how much a service's replica count changes.
import type { CapReasonName } from '../../../lib/api/types.ts';

/** How the scaler acts in one direction (HPA-like behavior). */
export interface HorizontalRuleConfig {
  /** The condition must hold this long before acting, seconds. */
  windowSeconds: number;
  /** Quiet time after any replica change before acting in this direction, seconds. */
  stabilizationSeconds: number;
  /** At most this many replicas per change (0 = unbounded). */
  maxStepReplicas: number;
  /** At most this percentage of current replicas per change (0 = unbounded). When both limits are set the larger allowance wins (HPA selectPolicy Max). */
  maxStepPercent: number;
}

export interface HorizontalConfig {
  scaleUp: HorizontalRuleConfig;
  scaleDown: HorizontalRuleConfig;
  /** Fraction of maxCpuMilliPerPod a pod is planned to run at when scaling out, 0..1. */
  scaleUpFill: number;
  /** Scale in only when the demand fits fewer pods at this fraction of maxCpuMilliPerPod (< scaleUpFill: hysteresis). */
  scaleDownFill: number;
  /** The service counts as capped when Σ capped ≥ this fraction of Σ desired CPU. */
  cappedFraction: number;
  /**
   * Capped seconds one uncapped second takes back from the scale-up count (steps/windows.ts): the
   * service scales out once capped time, net of this drain, reaches scaleUp.windowSeconds.
   */
  cappedDrainRate: number;
}

export type HorizontalCapReason = CapReasonName | 'None';

export interface HorizontalPodInput {
  desiredCpuMilli: number;
  enactedCpuMilli: number;
  /** CPU the pod wanted but could not get (SLA max, node contention, resize Infeasible/Deferred); 0 if none. */
  cappedCpuMilli: number;
  /** The part of cappedCpuMilli its node could not give (contention, resize Infeasible/Deferred); default 0. */
  nodeCappedCpuMilli?: number;
  usageCpuMilli: number;
  cappedReason: HorizontalCapReason;
  ready: boolean;
}

export interface HorizontalInput {
  nowSeconds: number;
  /** spec.replicas of the target (what was last asked for). */
  currentReplicas: number;
  /** Replicas running and ready; currentReplicas − readyReplicas are capacity still coming. */
  readyReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  /** SLA max CPU per pod, millicores. */
  maxCpuMilliPerPod: number;
  pods: readonly HorizontalPodInput[];
  /** Total CPU the service needs now (Σ of the recommender's unbounded targets), millicores. */
  demandCpuMilli: number;
  /**
   * Part of demandCpuMilli that every pod needs regardless of its traffic (queueing headroom),
   * millicores per pod; the rest scales with the load. Default 0.
   */
  perPodHeadroomCpuMilli?: number;
  /**
   * Nodes are added on demand (cluster autoscaler): node-capped CPU counts whole, Pending pods are
   * coming capacity. Default false: the nodes there are are all there is.
   */
  nodesAutoscaled?: boolean;
  /**
   * CPU a new pod of the service could find on the nodes (free allocatable on nodes where one fits,
   * see room.ts); node-capped CPU adds replicas only up to this much. Needed only when some pod is
   * node-capped; undefined counts as no room.
   */
  scaleOutRoomCpuMilli?: number;
  /** Pods of the service the scheduler could not place (PodScheduled=False, Unschedulable). Default 0. */
  unschedulableReplicas?: number;
}

export interface HorizontalState {
  /** Capped seconds counted toward the scale-up window (capped time net of the uncapped drain). */
  cappedSeconds?: number;
  /** Time of the last pass, and whether the service was capped then. */
  cappedSeenSeconds?: number;
  cappedWhenSeen?: boolean;
  /** Since when the demand has fitted fewer replicas, and the most replicas needed since then. */
  fitsFewerSinceSeconds?: number;
  fitsFewerMaxNeeded?: number;
  /** Time of the last replica change this scaler decided. */
  lastChangeSeconds?: number;
  /** Since when pods have been unschedulable (undefined: none now). */
  unschedulableSinceSeconds?: number;
  /** Node-capped CPU adds no replicas before this time: the scheduler last found no room (cluster not autoscaled). */
  noRoomUntilSeconds?: number;
}

export type HorizontalReason =
  | 'BelowMinimum'
  | 'AboveMaximum'
  | 'ScaleOut'
  | 'ScaleIn'
  | 'CappedWaitingForWindow'
  | 'FitsFewerWaitingForWindow'
  | 'Stabilizing'
  | 'ReplicasComing'
  | 'Unschedulable'
  | 'RemoveUnschedulable'
  | 'AtMaximum'
  | 'Steady';

/** The decision's inputs (bar the pods) and what it derived from them, for the log. */
export interface HorizontalTerms
  extends Required<
    Omit<HorizontalInput, 'pods' | 'scaleOutRoomCpuMilli' | 'unschedulableReplicas' | 'nodesAutoscaled'>
  > {
  nodesAutoscaled: boolean;
  /** Undefined: not asked (no pod was node-capped). */
  scaleOutRoomCpuMilli?: number;
  unschedulableReplicas: number;
  totalDesiredCpuMilli: number;
  totalCappedCpuMilli: number;
  /** Part of totalCappedCpuMilli the nodes could not give. */
  nodeCappedCpuMilli: number;
  /** Capped CPU that counts for scale-out: SLA-capped, plus node-capped up to the room. */
  effectiveCappedCpuMilli: number;
  capped: boolean;
  /** Capped seconds counted toward the scale-up window. */
  cappedSeconds: number;
  /** Replicas the demand needs at scaleUpFill / scaleDownFill. */
  neededForDemand: number;
  neededToFitFewer: number;
  /** Replicas the unmet (capped) CPU adds to the ready ones. */
  neededForUnmet: number;
  fitsFewerForSeconds: number;
  sinceLastChangeSeconds?: number;
  /** Replicas before step limits and bounds. */
  target: number;
  stepLimit?: number;
}

export interface HorizontalDecision {
  replicas: number;
  state: HorizontalState;
  reason: HorizontalReason;
  terms: HorizontalTerms;
}
