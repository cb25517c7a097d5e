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
  ready: boolean;
  /** Relative load-balancer weight (≥ 0). */
  weight: number;
}

/**
 * Splits `arrivals` over the ready pods ∝ weight into `out` (same order as `pods`); returns the
 * requests that found no ready pod (or only zero weights) and are dropped.
 */
export function splitArrivals(arrivals: number, pods: readonly RoutablePod[], out: Float64Array): number {
  let total = 0;
  for (const pod of pods) if (pod.ready && pod.weight > 0) total += pod.weight;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    out[i] = total > 0 && pod.ready && pod.weight > 0 ? (arrivals * pod.weight) / total : 0;
  }
  return total > 0 ? 0 : arrivals;
}
