// Original file: proto/kosmos/v1/status.proto

import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { Long } from '@grpc/proto-loader';

export interface Decision {
  'timestampMs'?: (number | string | Long);
  /**
   * vertical, horizontal, arbitration
   */
  'kind'?: (string);
  'namespace'?: (string);
  'sla'?: (string);
  'pod'?: (string);
  /**
   * human sentence: "cpu 200m -> 300m: p95 250ms > 200ms"
   */
  'summary'?: (string);
  'from'?: (_kosmos_v1_Resources | null);
  'to'?: (_kosmos_v1_Resources | null);
  'replicasFrom'?: (number);
  'replicasTo'?: (number);
  'reason'?: (string);
}

export interface Decision__Output {
  'timestampMs': (number);
  /**
   * vertical, horizontal, arbitration
   */
  'kind': (string);
  'namespace': (string);
  'sla': (string);
  'pod': (string);
  /**
   * human sentence: "cpu 200m -> 300m: p95 250ms > 200ms"
   */
  'summary': (string);
  'from': (_kosmos_v1_Resources__Output | null);
  'to': (_kosmos_v1_Resources__Output | null);
  'replicasFrom': (number);
  'replicasTo': (number);
  'reason': (string);
}
