// Original file: proto/kosmos/v1/agenthub.proto

import type { PodDirective as _kosmos_v1_PodDirective, PodDirective__Output as _kosmos_v1_PodDirective__Output } from '../../kosmos/v1/PodDirective.ts';
import type { ArbitrationPolicy as _kosmos_v1_ArbitrationPolicy, ArbitrationPolicy__Output as _kosmos_v1_ArbitrationPolicy__Output } from '../../kosmos/v1/ArbitrationPolicy.ts';
import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { Long } from '@grpc/proto-loader';

/**
 * The hub sends a node its directive twice: in answer to each NodeReport, and after each of its
 * control passes (pushed to every connected node). The answer carries the plans of the hub's last
 * pass. A report that cannot wait — a pod over its objective on enough requests, or pegged at its
 * quota with nothing finished, and no growth planned for it — pulls the hub's next pass forward (at
 * most one per quarter period) and is answered after that pass, from plans that saw it; the hub
 * waits at most half a period for it, then answers with the plans it has. Any other report is
 * answered at once from plans that predate it: the lag there is one period. The agent waits for the
 * answer to its own report (--directive-wait, default 600 ms) and enacts it in the same tick, so an
 * urgent growth is enacted one round trip plus one pass after the report.
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
 * control passes (pushed to every connected node). The answer carries the plans of the hub's last
 * pass. A report that cannot wait — a pod over its objective on enough requests, or pegged at its
 * quota with nothing finished, and no growth planned for it — pulls the hub's next pass forward (at
 * most one per quarter period) and is answered after that pass, from plans that saw it; the hub
 * waits at most half a period for it, then answers with the plans it has. Any other report is
 * answered at once from plans that predate it: the lag there is one period. The agent waits for the
 * answer to its own report (--directive-wait, default 600 ms) and enacts it in the same tick, so an
 * urgent growth is enacted one round trip plus one pass after the report.
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
