// Original file: proto/kosmos/v1/agenthub.proto

import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';

export interface PodDirective {
  'uid'?: (string);
  'namespace'?: (string);
  'name'?: (string);
  'container'?: (string);
  'desired'?: (_kosmos_v1_Resources | null);
  /**
   * SLA minimum, used by the minimum-first arbiter
   */
  'minimum'?: (_kosmos_v1_Resources | null);
  'maximum'?: (_kosmos_v1_Resources | null);
  /**
   * relative weight under contention, default 1
   */
  'priority'?: (number | string);
  /**
   * SLA mode Recommend: never resize
   */
  'recommendOnly'?: (boolean);
  'sla'?: (string);
  /**
   * what meeting the SLO takes now, without margins (<= desired): granted before any pod's margin under contention; unset = none
   */
  'essential'?: (_kosmos_v1_Resources | null);
  /**
   * The hub reads this pod's response time itself (SLA metrics.prometheus); the agent then writes the
   * PodScale's MetricsAvailable condition from the two fields below instead of from its own scrape.
   */
  'hubSourcedMetrics'?: (boolean);
  /**
   * why the hub has no signal for the pod (PrometheusStale, ...; AwaitingPrometheus before the first answer); empty when it has one
   */
  'metricsFailureReason'?: (string);
  'metricsFailureMessage'?: (string);
}

export interface PodDirective__Output {
  'uid': (string);
  'namespace': (string);
  'name': (string);
  'container': (string);
  'desired': (_kosmos_v1_Resources__Output | null);
  /**
   * SLA minimum, used by the minimum-first arbiter
   */
  'minimum': (_kosmos_v1_Resources__Output | null);
  'maximum': (_kosmos_v1_Resources__Output | null);
  /**
   * relative weight under contention, default 1
   */
  'priority': (number);
  /**
   * SLA mode Recommend: never resize
   */
  'recommendOnly': (boolean);
  'sla': (string);
  /**
   * what meeting the SLO takes now, without margins (<= desired): granted before any pod's margin under contention; unset = none
   */
  'essential': (_kosmos_v1_Resources__Output | null);
  /**
   * The hub reads this pod's response time itself (SLA metrics.prometheus); the agent then writes the
   * PodScale's MetricsAvailable condition from the two fields below instead of from its own scrape.
   */
  'hubSourcedMetrics': (boolean);
  /**
   * why the hub has no signal for the pod (PrometheusStale, ...; AwaitingPrometheus before the first answer); empty when it has one
   */
  'metricsFailureReason': (string);
  'metricsFailureMessage': (string);
}
