import { describe, expect, it } from 'vitest';
import type { HistogramSnapshot, SummarySnapshot } from '../../../../agent/src/metrics/prom-text.ts';
import {
  histogramDelta,
  histogramQuantile,
  responseTimeWindow,
  summaryQuantile,
} from '../../../../agent/src/metrics/window.ts';

const INF = Number.POSITIVE_INFINITY;
const hist = (counts: [number, number][], count: number, sum: number): HistogramSnapshot => ({
  kind: 'histogram',
  buckets: counts.map(([le, c]) => ({ le, count: c })),
  count,
  sum,
});

describe('histogramQuantile (Prometheus semantics)', () => {
  const buckets = hist(
    [
      [0.1, 10],
      [0.2, 20],
      [0.5, 30],
      [INF, 40],
    ],
    40,
    10,
  ).buckets;

  it.each([
    [0.25, 0.1],
    [0.5, 0.2],
    [0.6, 0.32],
    [0.05, 0.02],
    [0.9, 0.5], // rank in +Inf: the highest finite bound
    [0.75, 0.5],
  ])('q=%s interpolates linearly within the bucket → %s', (q, expected) => {
    expect(histogramQuantile(q, buckets)).toBeCloseTo(expected, 10);
  });

  it('is NaN with no observations and ±Inf outside [0,1]', () => {
    expect(
      histogramQuantile(
        0.5,
        hist(
          [
            [0.1, 0],
            [INF, 0],
          ],
          0,
          0,
        ).buckets,
      ),
    ).toBeNaN();
    expect(histogramQuantile(-1, buckets)).toBe(Number.NEGATIVE_INFINITY);
    expect(histogramQuantile(2, buckets)).toBe(INF);
  });

  it('treats non-monotonic cumulative counts as their running maximum', () => {
    const racy = hist(
      [
        [0.1, 10],
        [0.2, 9],
        [INF, 10],
      ],
      10,
      1,
    ).buckets;
    expect(histogramQuantile(0.5, racy)).toBeCloseTo(0.05, 10);
  });
});

describe('histogram windows', () => {
  const before = hist(
    [
      [0.1, 100],
      [0.5, 150],
      [INF, 160],
    ],
    160,
    20,
  );
  const after = hist(
    [
      [0.1, 110],
      [0.5, 180],
      [INF, 200],
    ],
    200,
    32,
  );

  it('subtracts the previous cumulative snapshot', () => {
    expect(histogramDelta(before, after)).toEqual(
      hist(
        [
          [0.1, 10],
          [0.5, 30],
          [INF, 40],
        ],
        40,
        12,
      ),
    );
  });

  it('takes the new snapshot as the window after a counter reset (pod restarted)', () => {
    const restarted = hist(
      [
        [0.1, 3],
        [0.5, 4],
        [INF, 4],
      ],
      4,
      0.5,
    );
    expect(histogramDelta(after, restarted)).toBe(restarted);
  });

  it('takes the new snapshot when the bucket layout changed', () => {
    const rebucketed = hist(
      [
        [0.2, 200],
        [INF, 210],
      ],
      210,
      40,
    );
    expect(histogramDelta(after, rebucketed)).toBe(rebucketed);
  });

  it('turns two snapshots into count, mean and percentiles of the window', () => {
    const window = responseTimeWindow(before, after, 5);
    expect(window).toMatchObject({ requestCount: 40, windowSeconds: 5, valid: true, error: '' });
    expect(window.meanSeconds).toBeCloseTo(0.3, 10);
    expect(window.p50Seconds).toBeCloseTo(0.1 + 0.4 * (10 / 20), 10);
    expect(window.p99Seconds).toBe(0.5);
  });

  it('reports a valid empty window with zeros when no request finished', () => {
    expect(responseTimeWindow(after, after, 5)).toMatchObject({
      requestCount: 0,
      meanSeconds: 0,
      p95Seconds: 0,
      valid: true,
    });
  });
});

describe('summary windows', () => {
  const summary = (count: number, sum: number, quantiles: [number, number][]): SummarySnapshot => ({
    kind: 'summary',
    count,
    sum,
    quantiles: quantiles.map(([q, value]) => ({ q, value })),
  });

  it('uses count and sum deltas and the client quantiles, nearest higher when one is missing', () => {
    const window = responseTimeWindow(
      summary(10, 2, [[0.5, 0.1]]),
      summary(30, 8, [
        [0.5, 0.2],
        [0.9, 0.4],
        [0.99, 0.9],
      ]),
      10,
    );
    expect(window).toMatchObject({
      requestCount: 20,
      p50Seconds: 0.2,
      p90Seconds: 0.4,
      p95Seconds: 0.9,
      p99Seconds: 0.9,
    });
    expect(window.meanSeconds).toBeCloseTo(0.3, 10);
  });

  it('handles a summary counter reset and NaN quantiles from an idle client', () => {
    const window = responseTimeWindow(summary(30, 8, []), summary(2, 1, [[0.5, Number.NaN]]), 10);
    expect(window).toMatchObject({ requestCount: 2, meanSeconds: 0.5, p50Seconds: 0, valid: true });
    expect(summaryQuantile(0.9, [])).toBeNaN();
  });

  it('marks a change of metric kind invalid', () => {
    expect(responseTimeWindow(summary(1, 1, []), hist([[INF, 1]], 1, 1), 1)).toMatchObject({
      valid: false,
      error: expect.stringMatching(/kind/),
    });
  });
});
