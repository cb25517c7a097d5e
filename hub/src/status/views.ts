// Builds the status API's messages (SlaSummary, PodStatus) from one tick of the control loop. Pure.
import type { CachedSla } from '../../../lib/api/cached-objects.ts';
import type { PodStatus } from '../../../proto/gen/kosmos/v1/PodStatus.ts';
import type { SlaSummary } from '../../../proto/gen/kosmos/v1/SlaSummary.ts';
import type { Resources } from '../recommender/types.ts';

export interface SummaryInput {
  sla: CachedSla;
  objectiveSeconds: number;
  observedSeconds?: number;
  requestRate: number;
  replicas: number;
  desiredReplicas: number;
  podsTracked: number;
  ready: boolean;
  message: string;
  sloAttainment: number;
  /** Tracked pods without a response-time signal (MetricsAvailable=False). */
  podsWithoutSignal?: number;
}

export function slaSummary(i: SummaryInput): SlaSummary {
  const { sla } = i;
  return {
    namespace: sla.metadata.namespace,
    name: sla.metadata.name,
    target: `${sla.spec.targetRef.kind}/${sla.spec.targetRef.name}`,
    objectiveSeconds: i.objectiveSeconds,
    statistic: sla.spec.objective.statistic ?? 'p95',
    observedSeconds: i.observedSeconds ?? 0,
    replicas: i.replicas,
    desiredReplicas: i.desiredReplicas,
    podsTracked: i.podsTracked,
    ready: i.ready,
    mode: sla.spec.policy?.mode ?? 'Auto',
    message: i.message,
    requestRate: i.requestRate,
    sloAttainment: i.sloAttainment,
    podsWithoutSignal: i.podsWithoutSignal ?? 0,
  };
}

export interface PodStatusInput {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  container: string;
  sla: string;
  desired: Resources;
  enacted: Resources;
  capped: Resources;
  capReason: string;
  cpuUsageMilli: number;
  memoryWorkingSetBytes: number;
  responseTimeSeconds?: number;
  requestRate: number;
  resizeState: string;
  lbWeight: number;
  lastUpdateMs: number;
  nodeStale: boolean;
  /** Why the pod has no response-time signal ("ScrapeTimeout: ..."); empty when it has one. */
  signalFailure?: string;
}

export function podStatus(i: PodStatusInput): PodStatus {
  return { ...i, responseTimeSeconds: i.responseTimeSeconds ?? 0, signalFailure: i.signalFailure ?? '' };
}
