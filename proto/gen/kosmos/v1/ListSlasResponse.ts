// Original file: proto/kosmos/v1/status.proto

import type { SlaSummary as _kosmos_v1_SlaSummary, SlaSummary__Output as _kosmos_v1_SlaSummary__Output } from '../../kosmos/v1/SlaSummary.ts';

export interface ListSlasResponse {
  'slas'?: (_kosmos_v1_SlaSummary)[];
  'hubId'?: (string);
  'leader'?: (boolean);
}

export interface ListSlasResponse__Output {
  'slas': (_kosmos_v1_SlaSummary__Output)[];
  'hubId': (string);
  'leader': (boolean);
}
