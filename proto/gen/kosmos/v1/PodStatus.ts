// Original file: proto/kosmos/v1/status.proto

import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { Long } from '@grpc/proto-loader';

export interface PodStatus {
  'namespace'?: (string);
  'name'?: (string);
  'uid'?: (string);
  'node'?: (string);
  'container'?: (string);
  'sla'?: (string);
  'desired'?: (_kosmos_v1_Resources | null);
  'enacted'?: (_kosmos_v1_Resources | null);
  'capped'?: (_kosmos_v1_Resources | null);
  'capReason'?: (string);
  'cpuUsageMilli'?: (number | string);
  'memoryWorkingSetBytes'?: (number | string | Long);
  'responseTimeSeconds'?: (number | string);
  'requestRate'?: (number | string);
  'resizeState'?: (string);
  /**
   * resource-aware load-balancing weight (0..256)
   */
  'lbWeight'?: (number | string);
  'lastUpdateMs'?: (number | string | Long);
  'nodeStale'?: (boolean);
  /**
   * why the pod has no response-time signal ("ScrapeTimeout: ..."); empty when it has one
   */
  'signalFailure'?: (string);
}

export interface PodStatus__Output {
  'namespace': (string);
  'name': (string);
  'uid': (string);
  'node': (string);
  'container': (string);
  'sla': (string);
  'desired': (_kosmos_v1_Resources__Output | null);
  'enacted': (_kosmos_v1_Resources__Output | null);
  'capped': (_kosmos_v1_Resources__Output | null);
  'capReason': (string);
  'cpuUsageMilli': (number);
  'memoryWorkingSetBytes': (number);
  'responseTimeSeconds': (number);
  'requestRate': (number);
  'resizeState': (string);
  /**
   * resource-aware load-balancing weight (0..256)
   */
  'lbWeight': (number);
  'lastUpdateMs': (number);
  'nodeStale': (boolean);
  /**
   * why the pod has no response-time signal ("ScrapeTimeout: ..."); empty when it has one
   */
  'signalFailure': (string);
}
