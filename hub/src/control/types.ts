// Shapes of the per-service control step shared by the live hub and the discrete-time simulator:
// the policy derived from an SLA, what one tick observed, and the plan (per-pod desired, replicas).
import type { ArbitrationPolicyName, CapReasonName, SlaMode } from '../../../lib/api/types.ts';
import type { HorizontalConfig, HorizontalDecision, HorizontalState } from '../horizontal/types.ts';
import type {
  PodSignal,
  RecommendationTerms,
  RecommenderConfig,
  RecommenderState,
  Resources,
} from '../recommender/types.ts';

/** Everything the control code needs from one ServiceLevelAgreement, with defaults applied. */
export interface ServicePolicy {
  mode: SlaMode;
  recommender: RecommenderConfig;
  horizontal: HorizontalConfig;
  minReplicas: number;
  maxReplicas: number;
  /** spec.resources.default clamped to [min, max]; an absent field means: keep the pod's own value. */
  defaultResources: Partial<Resources>;
  minResources: Resources;
  maxResources: Resources;
  arbitration: ArbitrationPolicyName;
  priority: number;
}

export type PodCapReason = CapReasonName | 'None';

export interface PodObservation {
  /** Stable identity of the pod (uid or namespace/name). */
  key: string;
  ready: boolean;
  /** What the kubelet applied. */
  enacted: Resources;
  /** The last window's signal; undefined without fresh evidence (the pod's standing decision is then held). */
  signal?: PodSignal;
  /** Desired that could not be enacted (node contention, resize Infeasible/Deferred), as reported by the agent. */
  capped: Resources;
  cappedReason: PodCapReason;
}

export interface ServiceObservations {
  nowSeconds: number;
  /** spec.replicas of the target. */
  currentReplicas: number;
  readyReplicas: number;
  pods: readonly PodObservation[];
  /** Nodes are added on demand (the hub's --nodes-autoscaled). */
  nodesAutoscaled?: boolean;
  /** CPU a new pod could find on the nodes (room.ts); needed only when some pod is node-capped. */
  scaleOutRoomCpuMilli?: number;
  /** Pods the scheduler could not place. */
  unschedulableReplicas?: number;
}

/**
 * What planService remembers about a service between passes. Owned by planService: a state handed in
 * is updated in place and handed back as the plan's state, so the caller keeps exactly one per service
 * and never reads one it handed in (tests that compare passes copy it first).
 */
export interface ServiceControlState {
  /** Per pod key; pods no longer observed are dropped. */
  pods: Map<string, PodControlState>;
  horizontal?: HorizontalState;
  /** Passes planned so far: marks the pods each pass saw (PodControlState.pass). */
  passes: number;
}

/** What planService remembers about one pod. */
export interface PodControlState {
  /** Its recommender state (undefined until it first had a signal). */
  recommender: RecommenderState | undefined;
  /**
   * The standing decision: the desired allocation last planned, held by passes without a fresh
   * signal (it may still be in flight, ahead of the enacted size).
   */
  desired: Resources;
  /**
   * What the SLA max cut from its last recommendation, held with the standing decision: a pass
   * without a fresh signal must not read a pod pinned at its max as satisfied (that would restart the
   * scale-out window). Undefined when last planned below its max.
   */
  slaCapped: Resources | undefined;
  /** The last pass that saw the pod (ServiceControlState.passes). */
  pass: number;
}

export interface PodPlan {
  key: string;
  desired: Resources;
  /** Undefined when the pod had no signal (held). */
  terms?: RecommendationTerms;
  reason: string;
  /** CPU/memory the pod needs beyond what it may get (SLA max or agent-reported cap), and why. */
  capped: Resources;
  cappedReason: PodCapReason;
  /** CPU it needs to meet the SLO now without margins, within [SLA min, desired]; 0 without a model.
   *  The node arbiter grants it before any pod's margin. */
  essentialCpuMilli: number;
}

/** Service-level aggregate of one tick (pods of one service may have different sizes). */
export interface ServiceAggregate {
  requestRate: number;
  requestCount: number;
  /** Request-weighted response time across pods; undefined when no request finished. */
  responseTimeSeconds?: number;
  cpuUsageMilli: number;
  enactedCpuMilli: number;
  desiredCpuMilli: number;
  /** Σ unbounded recommender targets: what the service needs now, millicores. */
  demandCpuMilli: number;
  /** Queueing headroom every pod needs regardless of traffic, millicores (mean over pods with a model). */
  perPodHeadroomCpuMilli: number;
}

export interface VerticalDecisionRecord {
  kind: 'vertical';
  key: string;
  from: Resources;
  to: Resources;
  reason: string;
  terms: RecommendationTerms;
}

export interface HorizontalDecisionRecord {
  kind: 'horizontal';
  from: number;
  to: number;
  reason: string;
  terms: HorizontalDecision['terms'];
}

export type DecisionRecord = VerticalDecisionRecord | HorizontalDecisionRecord;

export interface ServicePlan {
  pods: PodPlan[];
  replicas: number;
  horizontal: HorizontalDecision;
  service: ServiceAggregate;
  /** Changes only (desired ≠ enacted, replicas ≠ current); log each once. */
  decisions: DecisionRecord[];
  state: ServiceControlState;
}

/** The per-service control step. */
export type PlanServiceFn = (
  policy: ServicePolicy,
  state: ServiceControlState | undefined,
  observations: ServiceObservations,
) => ServicePlan;
