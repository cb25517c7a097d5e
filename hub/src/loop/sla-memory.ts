// What the control loop remembers about one SLA between passes.
import type { ServiceLevelAgreementStatus } from '../../../lib/api/types.ts';
import type { ServiceControlState } from '../control/types.ts';
import type { StatusWriteTimes } from '../sla/status-write-gate.ts';
import { SloAttainment } from '../status/slo-attainment.ts';
import { ReversalTracker } from './reversals.ts';

export interface SlaMemory {
  control?: ServiceControlState;
  weights: Map<string, number>;
  attainment: SloAttainment;
  /** When each pod's sample last fed the planner (a sample is acted on once). */
  lastSignalMs: Map<string, number>;
  lastDecision: Map<string, string>;
  reversals: ReversalTracker;
  status?: ServiceLevelAgreementStatus;
  /** The status as computed on the last pass (written or not yet): what the status view shows. */
  computed?: ServiceLevelAgreementStatus;
  /** When the status was last written (status-write-gate.ts). */
  statusTimes: StatusWriteTimes;
  lastScaleTime?: string;
  /** When each pod's PodScale spec.desired was last written, by uid (desired-write-gate.ts). */
  desiredWrittenMs: Map<string, number>;
  /** CPU request of the last pod seen before it was ready (a new pod's, from the template). */
  newPodCpuMilli?: number;
}

export function newSlaMemory(): SlaMemory {
  return {
    weights: new Map(),
    attainment: new SloAttainment(),
    lastSignalMs: new Map(),
    lastDecision: new Map(),
    reversals: new ReversalTracker(),
    statusTimes: {},
    desiredWrittenMs: new Map(),
  };
}
