// Arrivals of a service in one step (expected or Poisson, seeded) and their split over ready pods:
// proportional to load-balancer weights, equal by default (round-robin's long-run share).
import type { Prng } from './prng.ts';

export type ArrivalNoise = 'poisson' | 'none';

/** Requests arriving in a step of dt seconds at `rateRps`: the expectation, or a Poisson draw. */
export function sampleArrivals(rateRps: number, dtSeconds: number, noise: ArrivalNoise, rng: Prng): number {
  const mean = Math.max(0, rateRps) * dtSeconds;
  return noise === 'poisson' ? rng.poisson(mean) : mean;
}

export interface RoutablePod {
  /** Relative load-balancer weight (≥ 0). */
  weight: number;
}

/**
 * Splits `arrivals` over the pods that `isReady` accepts, ∝ weight, into `out` (same order as
 * `pods`); returns the requests that found no ready pod (or only zero weights) and are dropped.
 */
export function splitArrivals<P extends RoutablePod>(
  arrivals: number,
  pods: readonly P[],
  isReady: (pod: P) => boolean,
  out: Float64Array,
): number {
  let total = 0;
  for (const pod of pods) if (pod.weight > 0 && isReady(pod)) total += pod.weight;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    out[i] = total > 0 && pod.weight > 0 && isReady(pod) ? (arrivals * pod.weight) / total : 0;
  }
  return total > 0 ? 0 : arrivals;
}
