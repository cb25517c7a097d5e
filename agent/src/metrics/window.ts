// Pure: two cumulative latency snapshots of a pod → the window's request count, mean and
// percentiles (histogram_quantile's linear interpolation within buckets), counter resets handled.
import type { ResponseTimeWindow__Output } from '../../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';
import type { HistogramSnapshot, LatencySnapshot, SummarySnapshot } from './prom-text.ts';

export type ResponseTimeWindow = ResponseTimeWindow__Output;

export const REPORTED_QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

/**
 * Prometheus's histogram_quantile over cumulative buckets (ascending le, last +Inf): linear
 * interpolation inside the bucket holding the rank; the lowest bucket starts at 0; a rank in the
 * +Inf bucket answers the highest finite bound. NaN when there are no observations.
 */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  if (buckets.length < 2 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  // cumulative counts must not decrease; a scrape racing an observe can make them (as Prometheus fixes)
  const cumulative: number[] = [];
  let runningMax = 0;
  for (const bucket of buckets) {
    runningMax = Math.max(runningMax, bucket.count);
    cumulative.push(runningMax);
  }
  const observations = cumulative[cumulative.length - 1] as number;
  if (observations === 0) return Number.NaN;
  const rank = q * observations;
  let index = cumulative.findIndex((count) => count >= rank);
  if (index < 0) index = cumulative.length - 1;
  if (index === buckets.length - 1) return (buckets[buckets.length - 2] as { le: number }).le;
  const upper = (buckets[index] as { le: number }).le;
  let lower = 0;
  let lowerCount = 0;
  if (index > 0) {
    lower = (buckets[index - 1] as { le: number }).le;
    lowerCount = cumulative[index - 1] as number;
  } else if (upper <= 0) {
    return upper;
  }
  const inBucket = (cumulative[index] as number) - lowerCount;
  if (inBucket === 0) return upper;
  return lower + (upper - lower) * ((rank - lowerCount) / inBucket);
}

/** What happened between two cumulative histograms; the current one alone after a counter reset. */
export function histogramDelta(previous: HistogramSnapshot, current: HistogramSnapshot): HistogramSnapshot {
  const sameBounds =
    previous.buckets.length === current.buckets.length &&
    previous.buckets.every((b, i) => b.le === current.buckets[i]?.le);
  const buckets = current.buckets.map((b, i) => ({
    le: b.le,
    count: b.count - (previous.buckets[i]?.count ?? 0),
  }));
  const reset =
    !sameBounds ||
    current.count < previous.count ||
    current.sum < previous.sum ||
    buckets.some((b) => b.count < 0);
  if (reset) return current;
  return {
    kind: 'histogram',
    buckets,
    count: current.count - previous.count,
    sum: current.sum - previous.sum,
  };
}

const finiteOrZero = (value: number) => (Number.isFinite(value) ? value : 0);

function windowFromCounts(
  count: number,
  sum: number,
  quantile: (q: number) => number,
  windowSeconds: number,
) {
  const [p50, p90, p95, p99] = REPORTED_QUANTILES.map((q) => (count > 0 ? finiteOrZero(quantile(q)) : 0));
  return {
    requestCount: count,
    meanSeconds: count > 0 ? sum / count : 0,
    p50Seconds: p50 as number,
    p90Seconds: p90 as number,
    p95Seconds: p95 as number,
    p99Seconds: p99 as number,
    windowSeconds,
    valid: true,
    error: '',
    failureReason: '',
  };
}

/**
 * A summary's quantiles are the client's own (over its sliding window); the one asked for, or the
 * nearest higher one it exports, or its highest.
 */
export function summaryQuantile(q: number, quantiles: SummarySnapshot['quantiles']): number {
  const found = quantiles.find((entry) => entry.q >= q) ?? quantiles[quantiles.length - 1];
  return found ? found.value : Number.NaN;
}

/** The response-time window between two snapshots of the same kind taken windowSeconds apart. */
export function responseTimeWindow(
  previous: LatencySnapshot,
  current: LatencySnapshot,
  windowSeconds: number,
): ResponseTimeWindow {
  if (previous.kind === 'histogram' && current.kind === 'histogram') {
    const delta = histogramDelta(previous, current);
    return windowFromCounts(
      delta.count,
      delta.sum,
      (q) => histogramQuantile(q, delta.buckets),
      windowSeconds,
    );
  }
  if (previous.kind === 'summary' && current.kind === 'summary') {
    const reset = current.count < previous.count || current.sum < previous.sum;
    const count = reset ? current.count : current.count - previous.count;
    const sum = reset ? current.sum : current.sum - previous.sum;
    return windowFromCounts(count, sum, (q) => summaryQuantile(q, current.quantiles), windowSeconds);
  }
  return invalidWindow(`metric changed kind from ${previous.kind} to ${current.kind}`, windowSeconds);
}

export function invalidWindow(error: string, windowSeconds = 0): ResponseTimeWindow {
  return {
    requestCount: 0,
    meanSeconds: 0,
    p50Seconds: 0,
    p90Seconds: 0,
    p95Seconds: 0,
    p99Seconds: 0,
    windowSeconds,
    valid: false,
    error,
    failureReason: '',
  };
}
