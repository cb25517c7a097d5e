// Original file: proto/kosmos/v1/agenthub.proto

import type { Resources as _kosmos_v1_Resources, Resources__Output as _kosmos_v1_Resources__Output } from '../../kosmos/v1/Resources.ts';
import type { PodReport as _kosmos_v1_PodReport, PodReport__Output as _kosmos_v1_PodReport__Output } from '../../kosmos/v1/PodReport.ts';
import type { Long } from '@grpc/proto-loader';

export interface NodeReport {
  'nodeName'?: (string);
  'sequence'?: (number | string | Long);
  'agentVersion'?: (string);
  'allocatable'?: (_kosmos_v1_Resources | null);
  /**
   * requests of non-terminated pods kosmos doesn't track
   */
  'untrackedRequests'?: (_kosmos_v1_Resources | null);
  'pods'?: (_kosmos_v1_PodReport)[];
  'timestampMs'?: (number | string | Long);
  /**
   * since the previous tick's start; informational: rates come from each pod's own window
   */
  'windowSeconds'?: (number | string);
  /**
   * true on the first report after a reconnect
   */
  'hubWasUnreachable'?: (boolean);
}

export interface NodeReport__Output {
  'nodeName': (string);
  'sequence': (number);
  'agentVersion': (string);
  'allocatable': (_kosmos_v1_Resources__Output | null);
  /**
   * requests of non-terminated pods kosmos doesn't track
   */
  'untrackedRequests': (_kosmos_v1_Resources__Output | null);
  'pods': (_kosmos_v1_PodReport__Output)[];
  'timestampMs': (number);
  /**
   * since the previous tick's start; informational: rates come from each pod's own window
   */
  'windowSeconds': (number);
  /**
   * true on the first report after a reconnect
   */
  'hubWasUnreachable': (boolean);
}
