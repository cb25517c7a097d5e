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

/** A pod's MetricsAvailable condition: True while its response-time source answers, else False with why. */
export function podMetricsCondition(
  prev: Condition[] | undefined,
  failure: MetricsFailure | undefined,
  nowIso: string,
): Condition {
  return failure
    ? condition(prev, METRICS_AVAILABLE, 'False', failure.reason, failure.message, nowIso)
    : condition(
        prev,
        METRICS_AVAILABLE,
        'True',
        'MetricsReceived',
        'the response-time source answers',
        nowIso,
      );
}
