import { describe, expect, it } from 'vitest';
import {
  CpuAggregate,
  type CpuRecommendation,
  recommendCpu,
  updatePriority,
  type VpaPod,
  VpaUpdater,
} from '../../../../bench/baselines/vpa.ts';
import {
  bucketStart,
  CPU_BUCKETS,
  DecayingHistogram,
  findBucket,
  numBuckets,
} from '../../../../bench/baselines/vpa-histogram.ts';

const DAY = 86400;

describe('VPA exponential buckets (0.01 cores, ratio 1.05)', () => {
  it.each([
    { bucket: 0, start: 0 },
    { bucket: 1, start: 0.01 },
    { bucket: 2, start: 0.0205 },
    { bucket: 3, start: 0.031525 },
  ])('bucket $bucket starts at $start cores', ({ bucket, start }) => {
    expect(bucketStart(CPU_BUCKETS, bucket)).toBeCloseTo(start, 10);
  });

  it.each([
    { value: 0.005, bucket: 0 },
    { value: 0.01, bucket: 1 },
    { value: 0.0204, bucket: 1 },
    { value: 0.021, bucket: 2 },
    { value: 5000, bucket: 175 },
  ])('value $value falls in bucket $bucket', ({ value, bucket }) => {
    expect(findBucket(CPU_BUCKETS, value)).toBe(bucket);
  });

  it('covers up to 1000 cores with 176 buckets', () => {
    expect(numBuckets(CPU_BUCKETS)).toBe(176);
  });
});

describe('VPA decaying histogram', () => {
  it('returns the end of the bucket holding the percentile', () => {
    const h = new DecayingHistogram(DAY);
    for (let i = 1; i <= 10; i++) h.addSample(i / 10, 1, 0);
    const b = findBucket(CPU_BUCKETS, 0.9);
    expect(h.percentile(0.9)).toBeCloseTo(bucketStart(CPU_BUCKETS, b + 1), 12);
    expect(h.percentile(0.9)).toBeGreaterThan(0.9);
    expect(h.percentile(0.9)).toBeLessThan(0.9 * 1.05);
  });

  it('gives a sample one half-life newer twice the weight', () => {
    const h = new DecayingHistogram(DAY);
    h.addSample(0.1, 1, 0);
    h.addSample(1.0, 1, DAY);
    expect(h.totalWeight).toBeCloseTo(3, 12);
    expect(h.percentile(0.5)).toBeGreaterThan(1.0);
  });

  it('keeps percentiles when the reference time shifts far into the future', () => {
    const h = new DecayingHistogram(60);
    h.addSample(0.5, 1, 0);
    h.addSample(0.5, 1, 60 * 150);
    expect(h.percentile(0.9)).toBeCloseTo(bucketStart(CPU_BUCKETS, findBucket(CPU_BUCKETS, 0.5) + 1), 12);
    expect(Number.isFinite(h.totalWeight)).toBe(true);
  });

  it('is empty until a sample arrives and reads 0 then', () => {
    expect(new DecayingHistogram(DAY).percentile(0.9)).toBe(0);
  });
});

describe('VPA recommender (CPU)', () => {
  function aggregateOf(usages: number[], stepSeconds = 60): CpuAggregate {
    const a = new CpuAggregate();
    usages.forEach((u, i) => {
      a.addSample(u, 1, i * stepSeconds);
    });
    return a;
  }

  it('target = p90 × 1.15 on a known sample set', () => {
    const usages = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);
    // All at one instant, so decay does not tilt the weights.
    const rec = recommendCpu(aggregateOf(usages, 0));
    const p90EndMilli = Math.trunc(bucketStart(CPU_BUCKETS, findBucket(CPU_BUCKETS, 0.9) + 1) * 1000);
    expect(rec.targetMilli).toBe(Math.trunc(p90EndMilli * 1.15));
    expect(rec.targetMilli).toBeGreaterThanOrEqual(Math.trunc(900 * 1.15));
    expect(rec.targetMilli).toBeLessThanOrEqual(Math.trunc(900 * 1.05 * 1.15));
  });

  it('widens the bounds by the confidence multipliers (1 h of per-minute samples)', () => {
    const usages = Array.from({ length: 61 }, () => 0.5);
    const a = aggregateOf(usages);
    expect(a.confidence()).toBeCloseTo(1 / 24, 12);
    const rec = recommendCpu(a);
    const base = Math.trunc(
      Math.trunc(bucketStart(CPU_BUCKETS, findBucket(CPU_BUCKETS, 0.5) + 1) * 1000) * 1.15,
    );
    expect(rec.targetMilli).toBe(base);
    expect(rec.upperBoundMilli).toBe(Math.trunc(base * (1 + 24)));
    expect(rec.lowerBoundMilli).toBe(Math.trunc(base * (1 + 0.024) ** -2));
  });

  it('never recommends below 25 millicores', () => {
    expect(recommendCpu(aggregateOf([0.001, 0.002])).targetMilli).toBe(25);
  });

  it('caps to the container policy', () => {
    const rec = recommendCpu(aggregateOf([3, 3, 3]), { minAllowedMilli: 100, maxAllowedMilli: 2000 });
    expect(rec.targetMilli).toBe(2000);
    expect(rec.upperBoundMilli).toBe(2000);
  });

  it('weights samples by the request, so a larger request outweighs older history', () => {
    const a = new CpuAggregate();
    for (let i = 0; i < 10; i++) a.addSample(0.2, 0.05, i * 60);
    for (let i = 10; i < 12; i++) a.addSample(2.0, 1.0, i * 60);
    // weights: 10 × 0.1 (floor) vs 2 × 1.0 → the 2-core samples hold 2/3 of the weight.
    expect(recommendCpu(a).targetMilli).toBeGreaterThan(2000);
  });
});

describe('VPA updater', () => {
  const rec: CpuRecommendation = { targetMilli: 800, lowerBoundMilli: 600, upperBoundMilli: 5000 };
  const pod = (name: string, requestMilli: number, extra: Partial<VpaPod> = {}): VpaPod => ({
    name,
    running: true,
    startSeconds: 0,
    cpuRequestMilli: requestMilli,
    resize: 'None',
    ...extra,
  });

  it.each([
    { name: 'below the lower bound', request: 500, outside: true, scaleUp: true },
    { name: 'inside the bounds', request: 700, outside: false, scaleUp: true },
    { name: 'above the upper bound', request: 6000, outside: true, scaleUp: false },
  ])('priority of a pod $name', ({ request, outside, scaleUp }) => {
    const p = updatePriority(request, rec);
    expect(p.outsideRecommendedRange).toBe(outside);
    expect(p.scaleUp).toBe(scaleUp);
  });

  it('evicts a pod whose request is below the lower bound (Recreate)', () => {
    const plan = new VpaUpdater('Recreate').plan(600, 2, [pod('a', 500), pod('b', 800)], rec);
    expect(plan).toEqual([expect.objectContaining({ pod: 'a', action: 'evict', cpuMilli: 800 })]);
  });

  it('leaves young pods inside the bounds alone, even 12.5 % off target', () => {
    expect(new VpaUpdater('Recreate').plan(600, 2, [pod('a', 700), pod('b', 700)], rec)).toEqual([]);
  });

  it('updates pods older than 12 h that differ from the target by ≥ 10 %', () => {
    const plan = new VpaUpdater('Recreate').plan(13 * 3600, 2, [pod('a', 700), pod('b', 790)], rec);
    expect(plan.map((u) => u.pod)).toEqual(['a']);
  });

  it('never evicts a single-replica target (min-replicas 2)', () => {
    expect(new VpaUpdater('Recreate').plan(600, 1, [pod('a', 100)], rec)).toEqual([]);
  });

  it('disrupts at most half the replicas per loop, larger differences first', () => {
    const pods = [pod('a', 500), pod('b', 100), pod('c', 300), pod('d', 200)];
    const plan = new VpaUpdater('Recreate').plan(600, 4, pods, rec);
    expect(plan.map((u) => u.pod)).toEqual(['b', 'd']);
  });

  it('does not disrupt while restarted pods are not running again', () => {
    const pods = [pod('a', 500), pod('b', 800, { running: false })];
    expect(new VpaUpdater('Recreate').plan(600, 2, pods, rec)).toEqual([]);
  });

  it('resizes in place under InPlaceOrRecreate', () => {
    const plan = new VpaUpdater('InPlaceOrRecreate').plan(600, 2, [pod('a', 500), pod('b', 800)], rec);
    expect(plan).toEqual([expect.objectContaining({ pod: 'a', action: 'inPlace' })]);
  });

  it('falls back to eviction when the resize is Infeasible', () => {
    const plan = new VpaUpdater('InPlaceOrRecreate').plan(
      600,
      2,
      [pod('a', 500, { resize: 'Infeasible' }), pod('b', 800)],
      rec,
    );
    expect(plan).toEqual([expect.objectContaining({ pod: 'a', action: 'evict' })]);
  });

  it('waits 5 min on a Deferred resize, then evicts', () => {
    const u = new VpaUpdater('InPlaceOrRecreate');
    const pods = [pod('a', 500, { resize: 'Deferred' }), pod('b', 800)];
    expect(u.plan(600, 2, pods, rec)).toEqual([]);
    expect(u.plan(840, 2, pods, rec)).toEqual([]);
    expect(u.plan(900, 2, pods, rec)).toEqual([expect.objectContaining({ pod: 'a', action: 'evict' })]);
  });
});
