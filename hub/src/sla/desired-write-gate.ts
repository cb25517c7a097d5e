// When the hub writes a PodScale's spec.desired (pure). The agents take every decision from their
// directive over gRPC; the PodScale is the record an operator reads, so it follows the decision when
// it moved meaningfully: a growth beyond the deadband at once (a surge is news), anything else at most
// once per minIntervalMs per pod (at once when the written one is outside the SLA's bounds) — in steady state ≤ 1 write per pod per interval, however noisy.
import type { Resources } from '../recommender/types.ts';

export interface DesiredWritePolicy {
  /** Least time between two writes of a pod's desired that are not growth. */
  minIntervalMs: number;
  /** Relative change of CPU or memory below which the written desired stands. */
  deadbandFraction: number;
}

export const DEFAULT_DESIRED_WRITE_POLICY: DesiredWritePolicy = {
  minIntervalMs: 60_000,
  deadbandFraction: 0.05,
};

export type DesiredWriteDecision =
  | { write: true; why: 'first' | 'growth' | 'out-of-bounds' | 'changed' }
  | { write: false; why: 'unchanged' | 'too-soon' };

export function decideDesiredWrite(
  written: Resources | undefined,
  next: Resources,
  lastWriteMs: number | undefined,
  nowMs: number,
  /** The SLA's bounds: a written desired outside them (the SLA changed) is corrected at once. */
  bounds?: { min: Resources; max: Resources },
  policy: DesiredWritePolicy = DEFAULT_DESIRED_WRITE_POLICY,
): DesiredWriteDecision {
  if (written === undefined) return { write: true, why: 'first' };
  const f = policy.deadbandFraction;
  const moved = (a: number, b: number) => Math.abs(a - b) > f * Math.max(a, b);
  const grows = (a: number, b: number) => b > a && moved(a, b);
  if (grows(written.cpuMilli, next.cpuMilli) || grows(written.memoryBytes, next.memoryBytes)) {
    return { write: true, why: 'growth' };
  }
  if (!moved(written.cpuMilli, next.cpuMilli) && !moved(written.memoryBytes, next.memoryBytes)) {
    return { write: false, why: 'unchanged' };
  }
  const outside = (v: number, lo: number, hi: number) => v < lo || v > hi;
  if (
    bounds &&
    (outside(written.cpuMilli, bounds.min.cpuMilli, bounds.max.cpuMilli) ||
      outside(written.memoryBytes, bounds.min.memoryBytes, bounds.max.memoryBytes))
  ) {
    return { write: true, why: 'out-of-bounds' };
  }
  if (lastWriteMs !== undefined && nowMs - lastWriteMs < policy.minIntervalMs) {
    return { write: false, why: 'too-soon' };
  }
  return { write: true, why: 'changed' };
}
