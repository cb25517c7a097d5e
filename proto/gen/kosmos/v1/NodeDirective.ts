// Original file: proto/kosmos/v1/agenthub.proto

import type { PodDirective as _kosmos_v1_PodDirective, PodDirective__Output as _kosmos_v1_PodDirective__Output } from '../../kosmos/v1/PodDirective.ts';
import type { ArbitrationPolicy as _kosmos_v1_ArbitrationPolicy, ArbitrationPolicy__Output as _kosmos_v1_ArbitrationPolicy__Output } from '../../kosmos/v1/ArbitrationPolicy.ts';
import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { Long } from '@grpc/proto-loader';

export interface NodeDirective {
  'nodeName'?: (string);
  /**
   * NodeReport.sequence this answers
   */
  'inReplyTo'?: (number | string | Long);
  'pods'?: (_kosmos_v1_PodDirective)[];
  'policy'?: (_kosmos_v1_ArbitrationPolicy);
  'tickPeriodMs'?: (number);
  /**
   * kept free on the node, on top of untracked requests
   */
  'reserve'?: (_kosmos_v1_Resources | null);
}

export interface NodeDirective__Output {
  'nodeName': (string);
  /**
   * NodeReport.sequence this answers
   */
  'inReplyTo': (number);
  'pods': (_kosmos_v1_PodDirective__Output)[];
  'policy': (_kosmos_v1_ArbitrationPolicy__Output);
  'tickPeriodMs': (number);
  /**
   * kept free on the node, on top of untracked requests
   */
  'reserve': (_kosmos_v1_Resources__Output | null);
}
