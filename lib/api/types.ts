// TypeScript shapes of kosmos's own resources (group autoscaling.kosmos.dev, v1alpha1).
// deploy/crds/*.yaml is the schema of record; test/support/kosmos-crds.ts checks objects against it.
import type { V1ObjectMeta } from '@kubernetes/client-node';

export const GROUP = 'autoscaling.kosmos.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const SLA_PLURAL = 'servicelevelagreements';
export const PODSCALE_PLURAL = 'podscales';

/** Kubernetes quantity strings: cpu "250m" / "1.5", memory "128Mi" / "1G". */
export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

export type Statistic = 'mean' | 'p50' | 'p90' | 'p95' | 'p99';
export type SlaMode = 'Auto' | 'Recommend';
export type ControllerName = 'kosmos' | 'kosmos-pi';
export type ArbitrationPolicyName = 'proportional' | 'minimum-first';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface ScrapeSource {
  port: number;
  path?: string; // default /metrics
  /** Histogram (or summary) base name, e.g. http_request_duration_seconds. */
  metric: string;
  type?: 'histogram' | 'summary'; // default histogram
}

/**
 * The hub reads the pods' response time from a Prometheus server, one query per SLA for all its
 * pods (hub/src/prometheus). Durations as in the objective ("15s", "1m").
 */
export interface PrometheusSource {
  /** Base URL of the Prometheus HTTP API; default the hub's --prometheus-url. */
  url?: string;
  /** Histogram (or summary) base name, e.g. http_request_duration_seconds. */
  metric?: string;
  type?: 'histogram' | 'summary'; // default histogram
  /** PromQL label matchers added to every selector, e.g. `job="web",route!="/healthz"`. */
  labelMatchers?: string;
  /** Label naming the pod on the series (default pod). */
  podLabel?: string;
  /** Label naming the pod's namespace on the series (default namespace). */
  namespaceLabel?: string;
  /** How often Prometheus scrapes these pods (default 15s): sets the default window and staleness. */
  scrapeInterval?: string;
  /** Range of rate() and histogram_quantile() (default 4 × scrapeInterval). */
  window?: string;
  /** Raw PromQL for the response time in seconds, one series per pod ($pods, $namespace, $window, $quantile). */
  query?: string;
  /** Raw PromQL for the finished requests per second, one series per pod (same substitutions). */
  requestRateQuery?: string;
  /** Bearer token file, relative to the hub's --prometheus-credentials-dir. */
  bearerTokenFile?: string;
  /** PEM CA bundle for an https URL, relative to the hub's --prometheus-credentials-dir. */
  caFile?: string;
  /** Deadline of one query (default 5s). */
  timeout?: string;
}

export interface HorizontalRule {
  /** How long the condition must hold before acting (scale up: capped seconds net of uncapped ones). */
  windowSeconds?: number;
  /** Quiet time after any replica change before acting in this direction again. */
  stabilizationSeconds?: number;
  /** At most this many replicas added/removed per change (0 = unbounded). */
  maxStepReplicas?: number;
  /** At most this percentage of current replicas per change (0 = unbounded). */
  maxStepPercent?: number;
}

export interface SlaPolicy {
  mode?: SlaMode;
  controller?: ControllerName;
  gains?: { bc?: number; dc?: number };
  arbitration?: ArbitrationPolicyName;
  /** Relative share under node contention (default 1). */
  priority?: number;
  /** Largest factor CPU may grow by in one step (default 2). */
  maxGrowthFactor?: number;
  horizontal?: { scaleUp?: HorizontalRule; scaleDown?: HorizontalRule };
}

export interface ServiceLevelAgreementSpec {
  targetRef: { apiVersion: string; kind: string; name: string };
  container?: string;
  objective: { responseTime: string; statistic?: Statistic };
  metrics: { scrape?: ScrapeSource; prometheus?: PrometheusSource };
  resources: { default?: ResourceQuantities; min: ResourceQuantities; max: ResourceQuantities };
  replicas: { min?: number; max: number };
  policy?: SlaPolicy;
}

export interface ServiceLevelAgreementStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  replicas?: number;
  desiredReplicas?: number;
  podsTracked?: number;
  /** Observed response time (the SLA's statistic), e.g. "183ms". */
  observedResponseTime?: string;
  requestRate?: number;
  lastScaleTime?: string;
}

export interface ServiceLevelAgreement {
  apiVersion: typeof API_VERSION;
  kind: 'ServiceLevelAgreement';
  metadata: V1ObjectMeta;
  spec: ServiceLevelAgreementSpec;
  status?: ServiceLevelAgreementStatus;
}

/** A pod's in-place resize as the kubelet reports it (PodResizePending / PodResizeInProgress). */
export type ResizeStateName = 'None' | 'InProgress' | 'Deferred' | 'Infeasible' | 'Error';

export type CapReasonName =
  | 'SLABound'
  | 'NodeContention'
  | 'ResizeInfeasible'
  | 'ResizeDeferred'
  | 'MemoryUnsafeDecrease';

export interface PodScaleSpec {
  podRef: { name: string; uid: string };
  slaRef: { name: string };
  container: string;
  nodeName?: string;
  desired: ResourceQuantities;
}

export interface PodScaleStatus {
  actual?: ResourceQuantities;
  capped?: ResourceQuantities & { reason?: CapReasonName; message?: string };
  conditions?: Condition[];
  lastResizeTime?: string;
}

export interface PodScale {
  apiVersion: typeof API_VERSION;
  kind: 'PodScale';
  metadata: V1ObjectMeta;
  spec: PodScaleSpec;
  status?: PodScaleStatus;
}
