// Original file: proto/kosmos/v1/agenthub.proto

import type { Welcome as _kosmos_v1_Welcome, Welcome__Output as _kosmos_v1_Welcome__Output } from '../../kosmos/v1/Welcome.ts';
import type { NodeDirective as _kosmos_v1_NodeDirective, NodeDirective__Output as _kosmos_v1_NodeDirective__Output } from '../../kosmos/v1/NodeDirective.ts';

export interface HubMessage {
  'welcome'?: (_kosmos_v1_Welcome | null);
  'directive'?: (_kosmos_v1_NodeDirective | null);
  'body'?: "welcome"|"directive";
}

export interface HubMessage__Output {
  'welcome'?: (_kosmos_v1_Welcome__Output | null);
  'directive'?: (_kosmos_v1_NodeDirective__Output | null);
  'body'?: "welcome"|"directive";
}
