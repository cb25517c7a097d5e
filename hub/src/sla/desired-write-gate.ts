// When the hub writes a PodScale's spec.desired (pure). The agents take every decision from their
// directive over gRPC; the PodScale is the record an operator reads, so it follows the decision when
// it moved meaningfully: a growth beyond the deadband at once (a surge is news), anything else at most
// once per minIntervalMs per pod — in steady state ≤ 1 write per pod per interval, however noisy.
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
  | { write: true; why: 'first' | 'growth' | 'changed' }
  | { write: false; why: 'unchanged' | 'too-soon' };

export function decideDesiredWrite(
  written: Resources | undefined,
  next: Resources,
  lastWriteMs: number | undefined,
  nowMs: number,
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
  if (lastWriteMs !== undefined && nowMs - lastWriteMs < policy.minIntervalMs) {
    return { write: false, why: 'too-soon' };
  }
  return { write: true, why: 'changed' };
}
