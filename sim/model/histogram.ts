// Prometheus-histogram view of the model's response times: expected bucket counts of each step's
// completions, accumulated as cumulative counters (what a pod's /metrics would expose).
import type { UnitShape } from './rt-distribution.ts';

/** Bucket upper bounds in seconds, 5 ms .. 10 s (prom-client's defaults). */
export const DEFAULT_RT_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface HistogramSnapshot {
  /** Cumulative counts per upper bound (le), ending with +Inf. */
  buckets: { le: number; count: number }[];
  sumSeconds: number;
  count: number;
}

/**
 * Cumulative histogram of response times. Expected (fractional) counts are kept exactly;
 * snapshot() floors them, which keeps every series monotone in time and across buckets.
 */
export class RtHistogram {
  readonly bounds: readonly number[];
  readonly #shape: UnitShape;
  readonly #cumulative: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(shape: UnitShape, bounds: readonly number[] = DEFAULT_RT_BUCKETS_SECONDS) {
    this.#shape = shape;
    this.bounds = bounds;
    this.#cumulative = new Float64Array(bounds.length);
  }

  /** Adds `count` requests whose response time is scale·X, X the unit-mean shape. */
  observe(count: number, scaleSeconds: number): void {
    if (!(count > 0) || !(scaleSeconds > 0)) return;
    for (let i = 0; i < this.bounds.length; i++) {
      this.#cumulative[i]! += count * this.#shape.cdf(this.bounds[i]! / scaleSeconds);
    }
    this.#sum += count * scaleSeconds;
    this.#count += count;
  }

  snapshot(): HistogramSnapshot {
    const count = Math.floor(this.#count);
    const buckets = this.bounds.map((le, i) => ({
      le,
      count: Math.min(count, Math.floor(this.#cumulative[i]!)),
    }));
    buckets.push({ le: Number.POSITIVE_INFINITY, count });
    return { buckets, sumSeconds: this.#sum, count };
  }
}

/** PromQL histogram_quantile over cumulative buckets (linear inside a bucket); NaN when empty. */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Number.POSITIVE_INFINITY) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket > 0 ? prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket : b.le;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
