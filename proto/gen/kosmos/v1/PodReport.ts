// Original file: proto/kosmos/v1/agenthub.proto

import type { ResponseTimeWindow as _kosmos_v1_ResponseTimeWindow, ResponseTimeWindow__Output as _kosmos_v1_ResponseTimeWindow__Output } from '../../kosmos/v1/ResponseTimeWindow.ts';
import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { CapReason as _kosmos_v1_CapReason, CapReason__Output as _kosmos_v1_CapReason__Output } from '../../kosmos/v1/CapReason.ts';
import type { ResizeState as _kosmos_v1_ResizeState, ResizeState__Output as _kosmos_v1_ResizeState__Output } from '../../kosmos/v1/ResizeState.ts';
import type { Long } from '@grpc/proto-loader';

export interface PodReport {
  'uid'?: (string);
  'namespace'?: (string);
  'name'?: (string);
  'container'?: (string);
  /**
   * "<namespace>/<name>" of the governing SLA
   */
  'sla'?: (string);
  /**
   * average CPU rate over the window, millicores
   */
  'cpuUsageMilli'?: (number | string);
  /**
   * nr_throttled / nr_periods over the window, 0..1
   */
  'cpuThrottledRatio'?: (number | string);
  'memoryWorkingSetBytes'?: (number | string | Long);
  'responseTime'?: (_kosmos_v1_ResponseTimeWindow | null);
  /**
   * what the kubelet applied (containerStatuses[].resources)
   */
  'enacted'?: (_kosmos_v1_Resources | null);
  /**
   * the allocation the pod is held to below desired (0 = not capped); cap_reason says why
   */
  'capped'?: (_kosmos_v1_Resources | null);
  'capReason'?: (_kosmos_v1_CapReason);
  'resizeState'?: (_kosmos_v1_ResizeState);
  'resizeMessage'?: (string);
  'ready'?: (boolean);
  'restartCount'?: (number);
  'lastTerminationOom'?: (boolean);
  /**
   * false when the cgroup read failed this tick
   */
  'usageValid'?: (boolean);
  /**
   * PSI, when the kernel exposes it
   */
  'cpuPressureSomeAvg10'?: (number | string);
}

export interface PodReport__Output {
  'uid': (string);
  'namespace': (string);
  'name': (string);
  'container': (string);
  /**
   * "<namespace>/<name>" of the governing SLA
   */
  'sla': (string);
  /**
   * average CPU rate over the window, millicores
   */
  'cpuUsageMilli': (number);
  /**
   * nr_throttled / nr_periods over the window, 0..1
   */
  'cpuThrottledRatio': (number);
  'memoryWorkingSetBytes': (number);
  'responseTime': (_kosmos_v1_ResponseTimeWindow__Output | null);
  /**
   * what the kubelet applied (containerStatuses[].resources)
   */
  'enacted': (_kosmos_v1_Resources__Output | null);
  /**
   * the allocation the pod is held to below desired (0 = not capped); cap_reason says why
   */
  'capped': (_kosmos_v1_Resources__Output | null);
  'capReason': (_kosmos_v1_CapReason__Output);
  'resizeState': (_kosmos_v1_ResizeState__Output);
  'resizeMessage': (string);
  'ready': (boolean);
  'restartCount': (number);
  'lastTerminationOom': (boolean);
  /**
   * false when the cgroup read failed this tick
   */
  'usageValid': (boolean);
  /**
   * PSI, when the kernel exposes it
   */
  'cpuPressureSomeAvg10': (number);
}
