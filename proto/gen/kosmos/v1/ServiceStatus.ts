// Original file: proto/kosmos/v1/status.proto

import type { SlaSummary as _kosmos_v1_SlaSummary, SlaSummary__Output as _kosmos_v1_SlaSummary__Output } from '../../kosmos/v1/SlaSummary.ts';
import type { PodStatus as _kosmos_v1_PodStatus, PodStatus__Output as _kosmos_v1_PodStatus__Output } from '../../kosmos/v1/PodStatus.ts';
import type { Decision as _kosmos_v1_Decision, Decision__Output as _kosmos_v1_Decision__Output } from '../../kosmos/v1/Decision.ts';

export interface ServiceStatus {
  'sla'?: (_kosmos_v1_SlaSummary | null);
  'pods'?: (_kosmos_v1_PodStatus)[];
  'recentDecisions'?: (_kosmos_v1_Decision)[];
}

export interface ServiceStatus__Output {
  'sla': (_kosmos_v1_SlaSummary__Output | null);
  'pods': (_kosmos_v1_PodStatus__Output)[];
  'recentDecisions': (_kosmos_v1_Decision__Output)[];
}
