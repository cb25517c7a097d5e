// Pure: two cumulative latency snapshots of a pod → the window's request count, mean and
// percentiles (histogram_quantile's linear interpolation within buckets), counter resets handled.
import type { ResponseTimeWindow__Output } from '../../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';
import type { HistogramSnapshot, LatencySnapshot, SummarySnapshot } from './prom-text.ts';

export type ResponseTimeWindow = ResponseTimeWindow__Output;

export const REPORTED_QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;
const [Q50, Q90, Q95, Q99] = REPORTED_QUANTILES;

/**
 * Prometheus's histogram_quantile over cumulative buckets (ascending le, last +Inf): linear
 * interpolation inside the bucket holding the rank; the lowest bucket starts at 0; a rank in the
 * +Inf bucket answers the highest finite bound. NaN when there are no observations.
 */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  if (buckets.length < 2 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  return quantileOf(q, buckets, cumulativeOf(buckets));
}

/** Cumulative counts must not decrease; a scrape racing an observe can make them (as Prometheus fixes). */
function cumulativeOf(buckets: readonly { count: number }[]): number[] {
  const cumulative = new Array<number>(buckets.length);
  let runningMax = 0;
  for (let i = 0; i < buckets.length; i++) {
    runningMax = Math.max(runningMax, (buckets[i] as { count: number }).count);
    cumulative[i] = runningMax;
  }
  return cumulative;
}

/** histogramQuantile for 0 ≤ q ≤ 1 over at least two buckets and their cumulativeOf. */
function quantileOf(q: number, buckets: readonly { le: number }[], cumulative: readonly number[]): number {
  const observations = cumulative[cumulative.length - 1] as number;
  if (observations === 0) return Number.NaN;
  const rank = q * observations;
  let index = 0;
  while (index < cumulative.length && !((cumulative[index] as number) >= rank)) index++;
  if (index === cumulative.length) index = cumulative.length - 1;
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
  const before = previous.buckets;
  const now = current.buckets;
  if (before.length !== now.length || current.count < previous.count || current.sum < previous.sum)
    return current;
  const buckets: { le: number; count: number }[] = new Array(now.length);
  for (let i = 0; i < now.length; i++) {
    const b = now[i] as { le: number; count: number };
    const a = before[i] as { le: number; count: number };
    const count = b.count - a.count;
    // other bounds, or a count gone down: the counters were reset
    if (a.le !== b.le || count < 0) return current;
    buckets[i] = { le: b.le, count };
  }
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
  [p50, p90, p95, p99]: readonly [number, number, number, number],
  windowSeconds: number,
) {
  return {
    requestCount: count,
    meanSeconds: count > 0 ? sum / count : 0,
    p50Seconds: p50,
    p90Seconds: p90,
    p95Seconds: p95,
    p99Seconds: p99,
    windowSeconds,
    valid: true,
    error: '',
    failureReason: '',
  };
}

/** The REPORTED_QUANTILES of a histogram window (0 when it has no observations or no bounds). */
function histogramQuantiles(delta: HistogramSnapshot): [number, number, number, number] {
  const { buckets } = delta;
  if (!(delta.count > 0) || buckets.length < 2) return [0, 0, 0, 0];
  const cumulative = cumulativeOf(buckets);
  const at = (q: number) => finiteOrZero(quantileOf(q, buckets, cumulative));
  return [at(Q50), at(Q90), at(Q95), at(Q99)];
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
    return windowFromCounts(delta.count, delta.sum, histogramQuantiles(delta), windowSeconds);
  }
  if (previous.kind === 'summary' && current.kind === 'summary') {
    const reset = current.count < previous.count || current.sum < previous.sum;
    const count = reset ? current.count : current.count - previous.count;
    const sum = reset ? current.sum : current.sum - previous.sum;
    const at = (q: number) => (count > 0 ? finiteOrZero(summaryQuantile(q, current.quantiles)) : 0);
    return windowFromCounts(count, sum, [at(Q50), at(Q90), at(Q95), at(Q99)], windowSeconds);
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
