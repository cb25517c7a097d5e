import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RT_BUCKETS_SECONDS,
  histogramQuantile,
  RtHistogram,
} from '../../../../sim/model/histogram.ts';
import { Prng, seedFor } from '../../../../sim/model/prng.ts';
import { normalCdf, normalQuantile, RtMixture, unitShape } from '../../../../sim/model/rt-distribution.ts';
import { splitArrivals } from '../../../../sim/model/traffic.ts';

describe('Prng', () => {
  it('repeats its stream for a seed and differs across seeds', () => {
    const a = new Prng(5);
    const b = new Prng(5);
    const c = new Prng(6);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
    expect(seedFor(1, 'web')).toBe(seedFor(1, 'web'));
    expect(seedFor(1, 'web')).not.toBe(seedFor(1, 'api'));
  });

  it.each([3, 80])('draws Poisson counts with mean and variance %s', (mean) => {
    const rng = new Prng(11);
    const n = 20_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.poisson(mean);
      sum += k;
      sq += k * k;
    }
    const m = sum / n;
    expect(m).toBeCloseTo(mean, 0);
    expect(Math.abs(sq / n - m * m - mean) / mean).toBeLessThan(0.05);
  });
});

describe('unit shapes and mixtures', () => {
  it('normal cdf and quantile invert each other', () => {
    for (const p of [0.01, 0.2, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it.each([{ kind: 'exponential' } as const, { kind: 'lognormal', cv: 1.5 } as const])(
    '%j has mean 1',
    (dist) => {
      const shape = unitShape(dist);
      // ∫ (1 − F) over [0, ∞) by the trapezoid rule on a fine grid.
      let mean = 0;
      const h = 0.001;
      for (let x = 0; x < 60; x += h) mean += h * (1 - 0.5 * (shape.cdf(x) + shape.cdf(x + h)));
      expect(mean).toBeCloseTo(1, 2);
      expect(shape.cdf(shape.quantile(0.95))).toBeCloseTo(0.95, 6);
    },
  );

  it('finds the quantile of a two-pod mixture where the mixed cdf crosses p', () => {
    const m = new RtMixture(unitShape({ kind: 'exponential' }));
    m.add(300, 0.02);
    m.add(100, 0.2);
    for (const p of [0.5, 0.9, 0.95, 0.99]) {
      const q = m.quantile(p);
      const cdf = (300 * (1 - Math.exp(-q / 0.02)) + 100 * (1 - Math.exp(-q / 0.2))) / 400;
      expect(cdf).toBeCloseTo(p, 4);
    }
    expect(m.mean()).toBeCloseTo((300 * 0.02 + 100 * 0.2) / 400, 12);
  });

  it('returns no summary when nothing completed', () => {
    const m = new RtMixture(unitShape({ kind: 'deterministic' }));
    expect(m.summary()).toBeNull();
    m.add(10, 0.05);
    expect(m.summary()!.p99Seconds).toBe(0.05);
  });
});

describe('RtHistogram', () => {
  it('accumulates monotone cumulative buckets whose histogram_quantile tracks the model', () => {
    const h = new RtHistogram(unitShape({ kind: 'exponential' }));
    for (let t = 0; t < 100; t++) h.observe(200, 0.05);
    const snap = h.snapshot();
    expect(snap.count).toBe(20_000);
    expect(snap.sumSeconds).toBeCloseTo(1000, 6);
    expect(snap.buckets).toHaveLength(DEFAULT_RT_BUCKETS_SECONDS.length + 1);
    for (let i = 1; i < snap.buckets.length; i++) {
      expect(snap.buckets[i]!.count).toBeGreaterThanOrEqual(snap.buckets[i - 1]!.count);
    }
    const p50 = histogramQuantile(0.5, snap.buckets);
    expect(p50).toBeGreaterThan(0.025);
    expect(p50).toBeLessThan(0.05); // true value 0.05·ln 2 ≈ 0.035, bucket (25ms, 50ms]
  });
});

describe('splitArrivals', () => {
  it('splits over ready pods by weight and drops when none is ready', () => {
    const out = new Float64Array(3);
    const pods = [
      { weight: 1, ready: true },
      { weight: 3, ready: true },
      { weight: 5, ready: false },
    ];
    expect(splitArrivals(40, pods, (p) => p.ready, out)).toBe(0);
    expect(Array.from(out)).toEqual([10, 30, 0]);
    expect(splitArrivals(40, pods, () => false, out)).toBe(40);
  });
});
