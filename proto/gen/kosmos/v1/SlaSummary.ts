// Original file: proto/kosmos/v1/status.proto


export interface SlaSummary {
  'namespace'?: (string);
  'name'?: (string);
  /**
   * "Deployment/web"
   */
  'target'?: (string);
  'objectiveSeconds'?: (number | string);
  /**
   * mean, p90, p95, p99
   */
  'statistic'?: (string);
  'observedSeconds'?: (number | string);
  'replicas'?: (number);
  'desiredReplicas'?: (number);
  'podsTracked'?: (number);
  'ready'?: (boolean);
  /**
   * Auto, Recommend
   */
  'mode'?: (string);
  'message'?: (string);
  'requestRate'?: (number | string);
  /**
   * fraction of recent windows within objective
   */
  'sloAttainment'?: (number | string);
  /**
   * tracked pods whose response-time source fails (MetricsAvailable=False)
   */
  'podsWithoutSignal'?: (number);
}

export interface SlaSummary__Output {
  'namespace': (string);
  'name': (string);
  /**
   * "Deployment/web"
   */
  'target': (string);
  'objectiveSeconds': (number);
  /**
   * mean, p90, p95, p99
   */
  'statistic': (string);
  'observedSeconds': (number);
  'replicas': (number);
  'desiredReplicas': (number);
  'podsTracked': (number);
  'ready': (boolean);
  /**
   * Auto, Recommend
   */
  'mode': (string);
  'message': (string);
  'requestRate': (number);
  /**
   * fraction of recent windows within objective
   */
  'sloAttainment': (number);
  /**
   * tracked pods whose response-time source fails (MetricsAvailable=False)
   */
  'podsWithoutSignal': (number);
}
