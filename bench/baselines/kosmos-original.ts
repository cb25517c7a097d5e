// The original KOSMOS (ICSOC 2021) as a baseline: the velocity-form PI law on inverse response times,
// proportional node contention, and the +1/−1 replica heuristic on node CPU requests.
import { KOSMOS_PI } from '../../hub/src/recommender/defaults.ts';

export { KOSMOS_PI };

export type PiState = { lastError: number | undefined };

export type PiInput = {
  /** Observed response time; null or 0 when the pod completed no request (the law then sees e = −clamp). */
  rtSeconds: number | null;
  sloSeconds: number;
  enactedCpuMilli: number;
  minCpuMilli: number;
  maxCpuMilli: number;
};

/**
 * One 5 s step: e = clamp(1/SLO − 1/RT, ±10) (positive when too slow), u = c + BC·(e − e_prev) + DC·e with
 * c the enacted CPU (anti-windup), growth ≤ 1.5×c, bounded to [min, max]. Idle pods see 1/RT = ∞ and are
 * driven toward the minimum — the original's known behaviour, kept on purpose.
 */
export function kosmosPiStep(state: PiState, input: PiInput): { desiredCpuMilli: number; error: number } {
  const { bc, dc, errorClamp, maxGrowthFactor } = KOSMOS_PI;
  const rt = input.rtSeconds ?? 0;
  const raw = rt > 0 ? 1 / input.sloSeconds - 1 / rt : Number.NEGATIVE_INFINITY;
  const e = Math.max(-errorClamp, Math.min(errorClamp, raw));
  const prev = state.lastError ?? e;
  state.lastError = e;
  const c = input.enactedCpuMilli;
  let u = c + bc * (e - prev) + dc * e;
  u = Math.min(u, c * maxGrowthFactor);
  u = Math.max(input.minCpuMilli, Math.min(input.maxCpuMilli, u));
  return { desiredCpuMilli: Math.round(u), error: e };
}

/** Proportional policy: if Σ desired exceeds capacity each pod gets capacity·desired/Σ desired (floored). */
export function proportionalShare(capacityMilli: number, desiredMilli: readonly number[]): number[] {
  const total = desiredMilli.reduce((a, b) => a + b, 0);
  if (total <= capacityMilli) return [...desiredMilli];
  return desiredMilli.map((d) => Math.floor((capacityMilli * d) / total));
}

/** Windows of the replica heuristic: evaluation period, scale-out hold, scale-in hold. */
export const KOSMOS_HORIZONTAL = {
  periodSeconds: 15,
  scaleOutWindowSeconds: 30,
  scaleInWindowSeconds: 150,
  requestThreshold: 0.8,
} as const;

export type HorizontalInput = {
  nowSeconds: number;
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  /** Σ CPU requests / Σ allocatable over the nodes hosting the service's pods. */
  requestedFraction: number;
};

/**
 * +1 replica when the hosting nodes' CPU requests stay above 80 % for 30 s; −1 when they stay below
 * 80 %·(n−1)/n (so the pod's load fits the rest under the threshold) for 150 s; each change restarts both
 * clocks. Evaluated every 15 s by the caller.
 */
export class KosmosOriginalHorizontal {
  private overSince: number | undefined;
  private underSince: number | undefined;

  decide(input: HorizontalInput): number {
    const h = KOSMOS_HORIZONTAL;
    const { nowSeconds, replicas } = input;
    const over = input.requestedFraction > h.requestThreshold;
    const under = replicas > 1 && input.requestedFraction < (h.requestThreshold * (replicas - 1)) / replicas;
    this.overSince = over ? (this.overSince ?? nowSeconds) : undefined;
    this.underSince = under ? (this.underSince ?? nowSeconds) : undefined;
    let next = replicas;
    if (this.overSince !== undefined && nowSeconds - this.overSince >= h.scaleOutWindowSeconds)
      next = replicas + 1;
    else if (this.underSince !== undefined && nowSeconds - this.underSince >= h.scaleInWindowSeconds) {
      next = replicas - 1;
    }
    next = Math.max(input.minReplicas, Math.min(input.maxReplicas, next));
    if (next !== replicas) {
      this.overSince = undefined;
      this.underSince = undefined;
    }
    return next;
  }
}
