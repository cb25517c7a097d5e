// Kubernetes-style status conditions: build one condition keeping its lastTransitionTime while the
// status is unchanged. Pure; shared by the SLA and PodScale status builders.
import type { Condition } from './types.ts';

/** The condition `type` with the given status, its transition time carried over from `prev` when the status did not change. */
export function condition(
  prev: Condition[] | undefined,
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  nowIso: string,
  observedGeneration?: number,
): Condition {
  const old = prev?.find((c) => c.type === type);
  // An empty or missing transition time is not a valid timestamp: the condition transitions now.
  const lastTransitionTime =
    old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : nowIso;
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
}

/** Whether a pod's response-time source answers (PodScale), or how many of an SLA's pods have none (SLA). */
export const METRICS_AVAILABLE = 'MetricsAvailable';

/** Why a pod has no response-time signal: a CamelCase reason (e.g. ScrapeTimeout) and the details. */
export interface MetricsFailure {
  reason: string;
  message: string;
}

/**
 * What a response-time source says, for a pod or summed over an SLA's pods: a signal, no answer
 * yet (Prometheus before its first query returns), or a failure with why.
 */
export type MetricsSignal =
  | { state: 'signalling'; reason: string; message: string }
  | { state: 'awaiting'; reason: string; message: string }
  | ({ state: 'failing' } & MetricsFailure);

const METRICS_STATUS: Record<MetricsSignal['state'], Condition['status']> = {
  signalling: 'True',
  awaiting: 'Unknown',
  failing: 'False',
};

/**
 * The one MetricsAvailable condition of a PodScale or an SLA, whichever path (the agent's scrape or
 * the hub's Prometheus query) the signal came from: True while signalling, Unknown while awaiting
 * the first answer, False with the failure's reason.
 */
export function metricsAvailableCondition(
  prev: Condition[] | undefined,
  signal: MetricsSignal,
  nowIso: string,
  observedGeneration?: number,
): Condition {
  return condition(
    prev,
    METRICS_AVAILABLE,
    METRICS_STATUS[signal.state],
    signal.reason,
    signal.message,
    nowIso,
    observedGeneration,
  );
}
