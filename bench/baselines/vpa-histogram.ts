// VPA decaying histogram (vertical-pod-autoscaler/pkg/recommender/util): exponential buckets, weights
// that grow 2^(t/halfLife) so older samples count less, percentiles read at bucket ends.

export type ExponentialBuckets = {
  maxValue: number;
  firstBucketSize: number;
  ratio: number;
  epsilon: number;
};

/** CPU histogram options upstream: 1000 cores max, first bucket 0.01 cores, ratio 1.05, epsilon 1e-4. */
export const CPU_BUCKETS: ExponentialBuckets = {
  maxValue: 1000,
  firstBucketSize: 0.01,
  ratio: 1.05,
  epsilon: 1e-4,
};

/** Upstream MaxDecayExponent: when the weight exponent would exceed it the reference time shifts. */
const MAX_DECAY_EXPONENT = 100;

export function numBuckets(o: ExponentialBuckets): number {
  return Math.ceil(Math.log((o.maxValue * (o.ratio - 1)) / o.firstBucketSize + 1) / Math.log(o.ratio)) + 1;
}

/** Start of bucket i: 0 for the first, firstBucketSize·(ratio^i − 1)/(ratio − 1) after. */
export function bucketStart(o: ExponentialBuckets, bucket: number): number {
  if (bucket === 0) return 0;
  return (o.firstBucketSize * (o.ratio ** bucket - 1)) / (o.ratio - 1);
}

export function findBucket(o: ExponentialBuckets, value: number): number {
  if (value < o.firstBucketSize) return 0;
  const b = Math.floor(Math.log((value * (o.ratio - 1)) / o.firstBucketSize + 1) / Math.log(o.ratio));
  return Math.min(b, numBuckets(o) - 1);
}

export class DecayingHistogram {
  readonly options: ExponentialBuckets;
  readonly halfLifeSeconds: number;
  private readonly weights: Float64Array;
  private total = 0;
  private referenceSeconds = 0;

  constructor(halfLifeSeconds: number, options: ExponentialBuckets = CPU_BUCKETS) {
    this.options = options;
    this.halfLifeSeconds = halfLifeSeconds;
    this.weights = new Float64Array(numBuckets(options));
  }

  get totalWeight(): number {
    return this.total;
  }

  isEmpty(): boolean {
    return this.total < this.options.epsilon;
  }

  addSample(value: number, weight: number, atSeconds: number): void {
    if (weight < 0) throw new Error('sample weight must be non-negative');
    const w = weight * this.decayFactor(atSeconds);
    this.weights[findBucket(this.options, value)]! += w;
    this.total += w;
  }

  /** Upper end of the bucket where the cumulative weight first reaches p·total (start of the last bucket). */
  percentile(p: number): number {
    if (this.isEmpty()) return 0;
    const threshold = p * this.total;
    let partial = 0;
    let bucket = 0;
    const last = this.weights.length - 1;
    let maxBucket = last;
    while (maxBucket > 0 && this.weights[maxBucket] === 0) maxBucket--;
    for (; bucket < maxBucket; bucket++) {
      partial += this.weights[bucket]!;
      if (partial >= threshold) break;
    }
    if (bucket < last) return bucketStart(this.options, bucket + 1);
    return bucketStart(this.options, bucket);
  }

  private decayFactor(atSeconds: number): number {
    if (atSeconds > this.referenceSeconds + this.halfLifeSeconds * MAX_DECAY_EXPONENT)
      this.shiftReference(atSeconds);
    return 2 ** ((atSeconds - this.referenceSeconds) / this.halfLifeSeconds);
  }

  /** Reference time moves to a multiple of the half-life; weights are rescaled by 2^(old − new)/halfLife. */
  private shiftReference(atSeconds: number): void {
    const next = Math.round(atSeconds / this.halfLifeSeconds) * this.halfLifeSeconds;
    const scale = 2 ** Math.round((this.referenceSeconds - next) / this.halfLifeSeconds);
    for (let i = 0; i < this.weights.length; i++) this.weights[i]! *= scale;
    this.total *= scale;
    this.referenceSeconds = next;
  }
}
