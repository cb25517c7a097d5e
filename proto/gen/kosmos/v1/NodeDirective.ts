// Original file: proto/kosmos/v1/agenthub.proto

import type { PodDirective as _kosmos_v1_PodDirective, PodDirective__Output as _kosmos_v1_PodDirective__Output } from '../../kosmos/v1/PodDirective.ts';
import type { ArbitrationPolicy as _kosmos_v1_ArbitrationPolicy, ArbitrationPolicy__Output as _kosmos_v1_ArbitrationPolicy__Output } from '../../kosmos/v1/ArbitrationPolicy.ts';
import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * The hub sends a node its directive twice: in answer to each NodeReport, and after each of its
 * control passes (pushed to every connected node). Either way the directive carries the plans of the
 * hub's last pass, which ran on its own clock and saw the reports folded before it: a directive never
 * reflects the report it answers. The lag is one period: a pod's window reported at agent tick k is
 * planned by the first hub pass after it arrives and enacted at the first agent tick after that pass
 * (tick k+1 when the hub and agent periods are equal), whatever the phase. The agent therefore takes
 * the newest directive at each tick without waiting for the answer to its own report (the agent's
 * --directive-wait, default 0).
 */
export interface NodeDirective {
  'nodeName'?: (string);
  /**
   * the node's last NodeReport.sequence folded when this was sent (the report it answers, or the last one before the pass that pushed it)
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

/**
 * The hub sends a node its directive twice: in answer to each NodeReport, and after each of its
 * control passes (pushed to every connected node). Either way the directive carries the plans of the
 * hub's last pass, which ran on its own clock and saw the reports folded before it: a directive never
 * reflects the report it answers. The lag is one period: a pod's window reported at agent tick k is
 * planned by the first hub pass after it arrives and enacted at the first agent tick after that pass
 * (tick k+1 when the hub and agent periods are equal), whatever the phase. The agent therefore takes
 * the newest directive at each tick without waiting for the answer to its own report (the agent's
 * --directive-wait, default 0).
 */
export interface NodeDirective__Output {
  'nodeName': (string);
  /**
   * the node's last NodeReport.sequence folded when this was sent (the report it answers, or the last one before the pass that pushed it)
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
