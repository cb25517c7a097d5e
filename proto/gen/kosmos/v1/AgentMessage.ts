// Original file: proto/kosmos/v1/agenthub.proto

import type { Hello as _kosmos_v1_Hello, Hello__Output as _kosmos_v1_Hello__Output } from '../../kosmos/v1/Hello.ts';
import type { NodeReport as _kosmos_v1_NodeReport, NodeReport__Output as _kosmos_v1_NodeReport__Output } from '../../kosmos/v1/NodeReport.ts';

export interface AgentMessage {
  'hello'?: (_kosmos_v1_Hello | null);
  'report'?: (_kosmos_v1_NodeReport | null);
  'body'?: "hello"|"report";
}

export interface AgentMessage__Output {
  'hello'?: (_kosmos_v1_Hello__Output | null);
  'report'?: (_kosmos_v1_NodeReport__Output | null);
  'body'?: "hello"|"report";
}
