// Response-time distributions of the model: a unit-mean shape (the request-demand distribution)
// scaled per pod and step, and mixtures of such components for percentiles across pods and steps.
import type { ResponseTimeSummary } from '../../lib/api/statistic.ts';

/** Shape of per-request CPU demand; response times inherit it (PS: E[T | x] = x / (c(1 − ρ))). */
export type DemandDistribution =
  | { kind: 'exponential' }
  | { kind: 'deterministic' }
  | { kind: 'lognormal'; cv: number }
  /** Heavy-tailed: P(X > x) = (xm/x)^alpha for x ≥ xm, unit mean (alpha > 1; finite variance above 2). */
  | { kind: 'pareto'; alpha: number };

/** A unit-mean distribution: cdf and quantile. */
export interface UnitShape {
  cdf(x: number): number;
  /** Density; null for shapes without one (deterministic). */
  pdf: ((x: number) => number) | null;
  quantile(p: number): number;
  /** Squared coefficient of variation. */
  cv2: number;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}

const EXPONENTIAL: UnitShape = {
  cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x)),
  pdf: (x) => (x < 0 ? 0 : Math.exp(-x)),
  quantile: (p) => -Math.log(1 - Math.min(p, 1 - 1e-12)),
  cv2: 1,
};

const DETERMINISTIC: UnitShape = {
  cdf: (x) => (x < 1 ? 0 : 1),
  pdf: null,
  quantile: () => 1,
  cv2: 0,
};

function lognormal(cv: number): UnitShape {
  if (!(cv > 0)) return DETERMINISTIC;
  const sigma2 = Math.log(1 + cv * cv);
  const sigma = Math.sqrt(sigma2);
  const mu = -sigma2 / 2;
  return {
    cdf: (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma)),
    pdf: (x) => {
      if (x <= 0) return 0;
      const z = (Math.log(x) - mu) / sigma;
      return Math.exp(-0.5 * z * z) / (x * sigma * Math.sqrt(2 * Math.PI));
    },
    quantile: (p) => Math.exp(mu + sigma * normalQuantile(p)),
    cv2: cv * cv,
  };
}

function pareto(alpha: number): UnitShape {
  const xm = (alpha - 1) / alpha;
  return {
    cdf: (x) => (x <= xm ? 0 : 1 - (xm / x) ** alpha),
    pdf: (x) => (x < xm ? 0 : (alpha * xm ** alpha) / x ** (alpha + 1)),
    quantile: (p) => xm * (1 - Math.min(p, 1 - 1e-12)) ** (-1 / alpha),
    cv2: alpha > 2 ? 1 / (alpha * (alpha - 2)) : Number.POSITIVE_INFINITY,
  };
}

/** The unit-mean shape of a demand distribution. */
export function unitShape(dist: DemandDistribution): UnitShape {
  switch (dist.kind) {
    case 'exponential':
      return EXPONENTIAL;
    case 'deterministic':
      return DETERMINISTIC;
    case 'lognormal':
      return lognormal(dist.cv);
    case 'pareto':
      return pareto(dist.alpha);
  }
}

/** Response-time statistics of a mixture. */
export interface RtSummary extends ResponseTimeSummary {
  /** Requests completed (may be fractional: the model is a fluid one). */
  count: number;
}

/**
 * Weighted mixture of scaled, shifted unit shapes: component i says "w_i requests whose response
 * time is o_i + s_i·X, X ~ shape" (o_i a fixed part, e.g. a downstream call; 0 by default).
 * Growable and reusable (reset()), so per-step statistics allocate nothing.
 */
export class RtMixture {
  readonly shape: UnitShape;
  #weights = new Float64Array(16);
  #scales = new Float64Array(16);
  #offsets = new Float64Array(16);
  #size = 0;
  #totalWeight = 0;
  #weightedScale = 0;

  constructor(shape: UnitShape) {
    this.shape = shape;
  }

  get count(): number {
    return this.#totalWeight;
  }

  reset(): void {
    this.#size = 0;
    this.#totalWeight = 0;
    this.#weightedScale = 0;
  }

  add(weight: number, scaleSeconds: number, offsetSeconds = 0): void {
    if (!(weight > 0) || !(scaleSeconds > 0)) return;
    this.#totalWeight += weight;
    this.#weightedScale += weight * (scaleSeconds + offsetSeconds);
    // Equal components (identical pods in a step) merge: fewer components, same distribution.
    const last = this.#size - 1;
    if (
      last >= 0 &&
      Math.abs(this.#scales[last]! - scaleSeconds) <= 1e-9 * scaleSeconds &&
      this.#offsets[last] === offsetSeconds
    ) {
      this.#weights[last]! += weight;
      return;
    }
    if (this.#size === this.#weights.length) {
      const w = new Float64Array(this.#size * 2);
      w.set(this.#weights);
      this.#weights = w;
      const s = new Float64Array(this.#size * 2);
      s.set(this.#scales);
      this.#scales = s;
      const o = new Float64Array(this.#size * 2);
      o.set(this.#offsets);
      this.#offsets = o;
    }
    this.#weights[this.#size] = weight;
    this.#scales[this.#size] = scaleSeconds;
    this.#offsets[this.#size] = offsetSeconds;
    this.#size++;
  }

  addAll(other: RtMixture): void {
    for (let i = 0; i < other.#size; i++) this.add(other.#weights[i]!, other.#scales[i]!, other.#offsets[i]!);
  }

  mean(): number {
    return this.#totalWeight > 0 ? this.#weightedScale / this.#totalWeight : Number.NaN;
  }

  /** Fraction of requests with response time ≤ t. */
  cdf(tSeconds: number): number {
    if (this.#totalWeight <= 0) return Number.NaN;
    let acc = 0;
    for (let i = 0; i < this.#size; i++)
      acc += this.#weights[i]! * this.shape.cdf((tSeconds - this.#offsets[i]!) / this.#scales[i]!);
    return acc / this.#totalWeight;
  }

  /** Density at t (requires a shape with a density). */
  #pdf(tSeconds: number, pdf: (x: number) => number): number {
    let acc = 0;
    for (let i = 0; i < this.#size; i++) {
      const s = this.#scales[i]!;
      acc += (this.#weights[i]! * pdf((tSeconds - this.#offsets[i]!) / s)) / s;
    }
    return acc / this.#totalWeight;
  }

  /**
   * p-quantile. It lies in [min_i o_i + s_i·q(p), max_i o_i + s_i·q(p)]; Newton steps from the mean guess,
   * kept inside that shrinking bracket (bisection when a step leaves it), to 1e-5 relative.
   */
  quantile(p: number): number {
    if (this.#size === 0) return Number.NaN;
    const q0 = this.shape.quantile(p);
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    let offsets = 0;
    for (let i = 0; i < this.#size; i++) {
      const q = this.#offsets[i]! + this.#scales[i]! * q0;
      if (q < lo) lo = q;
      if (q > hi) hi = q;
      offsets += this.#weights[i]! * this.#offsets[i]!;
    }
    if (hi - lo <= hi * 1e-6) return hi;
    const pdf = this.shape.pdf;
    const meanOffset = offsets / this.#totalWeight;
    let t = Math.min(hi, Math.max(lo, meanOffset + (this.mean() - meanOffset) * q0));
    for (let iter = 0; iter < 60; iter++) {
      const f = this.cdf(t) - p;
      if (f >= 0) hi = t;
      else lo = t;
      if (hi - lo <= hi * 1e-5) break;
      let next = Number.NaN;
      if (pdf) {
        const d = this.#pdf(t, pdf);
        if (d > 0) next = t - f / d;
      }
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (Math.abs(next - t) <= t * 1e-7) return next;
      t = next;
    }
    return 0.5 * (lo + hi);
  }

  /** count, mean and p50/p90/p95/p99; null when no request completed. */
  summary(): RtSummary | null {
    if (!(this.#totalWeight > 0)) return null;
    return {
      count: this.#totalWeight,
      meanSeconds: this.mean(),
      p50Seconds: this.quantile(0.5),
      p90Seconds: this.quantile(0.9),
      p95Seconds: this.quantile(0.95),
      p99Seconds: this.quantile(0.99),
    };
  }
}
