// Shapes of node-contention arbitration: desired allocations of the tracked pods on one node in,
// integer grants that fit the node's free capacity out.
import type { ArbitrationPolicyName } from '../../../lib/api/types.ts';

/** An allocation: CPU in millicores, memory in bytes (integers). */
export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
}

export interface ArbiterPod {
  /** Stable identity of the pod (uid or namespace/name). */
  key: string;
  desired: Resources;
  /** SLA minimum; the `minimum-first` policy grants it before sharing the rest. */
  minimum: Resources;
  /**
   * What the pod needs to meet its SLO now, without the recommender's margins (≤ desired): granted
   * before any pod gets margin (after the minimums under `minimum-first`). Default none.
   */
  essential?: Resources;
  /** Relative weight of unmet need under contention (default 1; ≤ 0 only gets leftovers). */
  priority: number;
}

export interface ArbitrationInput {
  /** What the tracked pods may use: see nodeCapacity(). */
  capacity: Resources;
  policy: ArbitrationPolicyName;
  pods: readonly ArbiterPod[];
}

export type GrantReason = 'None' | 'NodeContention';

export interface Grant {
  key: string;
  granted: Resources;
  /** desired − granted per resource (0 when not capped). */
  cappedBy: Resources;
  capped: boolean;
  reason: GrantReason;
}

/** Per-resource terms of one arbitration, for one structured log line. */
export interface DimensionTerms {
  capacity: number;
  totalDesired: number;
  totalMinimum: number;
  /** Σ min(essential, desired). */
  totalEssential: number;
  totalGranted: number;
  /** Σ desired ≤ capacity: everyone gets what they asked. */
  fits: boolean;
  /** minimum-first only: Σ minimum ≤ capacity. */
  minimumsFit: boolean;
}

export interface ArbitrationTerms {
  policy: ArbitrationPolicyName;
  pods: number;
  cpu: DimensionTerms;
  memory: DimensionTerms;
}

export interface ArbitrationResult {
  /** One grant per input pod, same order. Σ granted ≤ capacity per resource. */
  grants: Grant[];
  terms: ArbitrationTerms;
}
