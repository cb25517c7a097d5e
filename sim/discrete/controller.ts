// The contract between the discrete-time engine and an autoscaling policy under test: every
// `periodSeconds` the engine hands the controller an Observation and applies its Actions.

import type { SlaBounds } from '../../hub/src/recommender/types.ts';
import type { ServiceLevelAgreementSpec, SlaPolicy, Statistic } from '../../lib/api/types.ts';
import type { RtSummary } from '../model/rt-distribution.ts';

/** One pod's size; the model treats it as both request and limit (Guaranteed QoS). */
export interface PodResources {
  cpuMilli: number;
  memoryBytes: number;
}

/** Response-time statistics over a window; null where the window completed no request. */
export type RtStats = RtSummary;

/**
 * One window's completions as a Prometheus histogram counts them: expected (fractional) counts,
 * cumulative over the bucket bounds `le` (the last +Inf, holding them all), and their response-time sum.
 */
export interface WindowHistogram {
  buckets: { le: number; count: number }[];
  count: number;
  sumSeconds: number;
}

/** Pending: not placed (no node fits). Starting: placed, not ready yet. Running: ready. */
export type PodPhase = 'Pending' | 'Starting' | 'Running';

/** Kubelet-like state of the last in-place resize of a pod. */
export type ResizeStatus = 'None' | 'InProgress' | 'Deferred' | 'Infeasible';

/** The SLA of a service, parsed into numbers (units in names) plus the raw spec fields. */
export interface ServiceSla extends SlaBounds {
  /** Size of a new pod (spec.resources.default, else the scenario's initial size). */
  defaultResources: PodResources;
  minReplicas: number;
  maxReplicas: number;
  policy: SlaPolicy;
  /** The SLA as a ServiceLevelAgreement spec (targetRef/metrics filled for the simulated service). */
  spec: ServiceLevelAgreementSpec;
}

export interface PodObservation {
  name: string;
  service: string;
  /** Null while Pending. */
  node: string | null;
  phase: PodPhase;
  ready: boolean;
  createdAtSeconds: number;
  /** Requests per second routed to this pod over the window. */
  requestRate: number;
  /** Requests per second completed by this pod over the window. */
  throughput: number;
  rt: RtStats | null;
  /** The window's completions in the pod's own latency histogram (what its /metrics adds up); null when none. */
  rtHistogram: WindowHistogram | null;
  /** Mean CPU used over the window, in cores. */
  usedCores: number;
  /** Fraction of CFS periods in the window in which the pod hit its CPU quota (0..1). */
  throttledFraction: number;
  /** Working set at the end of the window. */
  workingSetBytes: number;
  peakWorkingSetBytes: number;
  /** Requests in the pod at the end of the window. */
  inFlight: number;
  /** Size in force now (what the kubelet applied). */
  enacted: PodResources;
  /** Last size asked for (by a resize, a recreate or the template at creation). */
  desired: PodResources;
  resize: ResizeStatus;
  restarts: number;
  oomKills: number;
  /** Load-balancer weight (relative; 1 by default). */
  weight: number;
}

export interface ServiceObservation {
  name: string;
  sla: ServiceSla;
  /** Requests per second offered to the service over the window (incl. dropped ones). */
  requestRate: number;
  throughput: number;
  /** Requests per second rejected (no ready pod, or the pod's queue exceeded its timeout). */
  droppedRate: number;
  /** Response times of all requests completed by the service's pods in the window. */
  rt: RtStats | null;
  replicas: { target: number; existing: number; ready: number };
  /** Size given to pods created by a scale-up. */
  template: PodResources;
  pods: PodObservation[];
}

export interface NodeObservation {
  name: string;
  allocatable: PodResources;
  /** Sum over placed pods of max(enacted, resize in progress). */
  allocated: PodResources;
  /** Mean CPU used by the node's pods over the window, in cores. */
  usedCores: number;
  pods: string[];
}

export interface Observation {
  nowSeconds: number;
  /** Length of the window the rates and statistics cover (the controller's period, or less at start). */
  windowSeconds: number;
  stepSeconds: number;
  services: ServiceObservation[];
  nodes: NodeObservation[];
}

/** In-place resize (pods/resize): the engine enacts it after its enactment delay if the node has room
 *  (else Deferred and retried; Infeasible when larger than the node). Omitted fields keep their value. */
export interface ResizeAction {
  pod: string;
  cpuMilli?: number;
  memoryBytes?: number;
}

/** Replica target of a service; `template` changes the size of pods created from now on. */
export interface ReplicaAction {
  service: string;
  replicas: number;
  template?: Partial<PodResources>;
}

/** Evict-and-recreate with a new size (VPA Recreate): the pod is unready for its startup delay. */
export interface RecreateAction {
  pod: string;
  cpuMilli?: number;
  memoryBytes?: number;
}

/** Load-balancer weight of a pod (resource-aware balancing); traffic splits ∝ weight over ready pods. */
export interface WeightAction {
  pod: string;
  weight: number;
}

export interface ControllerActions {
  resizes?: ResizeAction[];
  replicas?: ReplicaAction[];
  recreates?: RecreateAction[];
  weights?: WeightAction[];
}

/** Static facts given once before the run. */
export interface ControllerContext {
  stepSeconds: number;
  durationSeconds: number;
  seed: number;
  services: { name: string; sla: ServiceSla; template: PodResources; startupSeconds: number }[];
  nodes: { name: string; allocatable: PodResources }[];
  /** Ground truth, for the offline-optimum baseline only: a fair controller never reads it. */
  oracle: ServiceOracle;
}

export interface ServiceOracle {
  /** Mean CPU-seconds one request of the service needs. */
  cpuSecondsPerRequest(service: string): number;
  /** Expected request rate (rps, before arrival noise) of the service at simulated time t. */
  rateAt(service: string, tSeconds: number): number;
  /** The least cores one pod needs to serve `rps` with the given RT statistic ≤ sloSeconds, under the
   *  workload model (steady state): λ·D + q(statistic)·D/slo, q the unit-mean RT quantile. */
  coresForRate(service: string, rps: number, sloSeconds: number, statistic: Statistic): number;
}

export interface Controller {
  readonly name: string;
  /** How often decide() runs, in simulated seconds (a multiple of the step is best). */
  readonly periodSeconds: number;
  start?(context: ControllerContext): void;
  decide(observation: Observation): ControllerActions;
}
