// The latency histogram the SLA names, straight from the exposition text: summed over the series that
// match a label filter (Prometheus's `sum by (le)`) while the lines are read, with no sample objects
// and no strings but the label values it compares (every pod is scraped every tick).
import {
  BadPayloadError,
  finite,
  type HistogramSnapshot,
  labelValue,
  NotANumberError,
  parsePromNumber,
  scanExposition,
} from './prom-text.ts';

const BARE = 0;
const BUCKET = 1;
const COUNT = 2;
const SUM = 3;

/** Which of the metric's series the name text[from, to) is, or -1. */
function seriesKind(text: string, metric: string, from: number, to: number): number {
  const length = to - from;
  if (length < metric.length || !text.startsWith(metric, from)) return -1;
  const at = from + metric.length;
  switch (length - metric.length) {
    case 0:
      return BARE;
    case 4:
      return text.startsWith('_sum', at) ? SUM : -1;
    case 6:
      return text.startsWith('_count', at) ? COUNT : -1;
    case 7:
      return text.startsWith('_bucket', at) ? BUCKET : -1;
    default:
      return -1;
  }
}

const isKey = (text: string, from: number, to: number, key: string) =>
  to - from === key.length && text.startsWith(key, from);

/**
 * The named histogram, summed over all series that match the label filter (e.g. every route of a
 * service). The metric's own lines must all be exposition text; a bucket of a matching series needs
 * a numeric le and a finite count; a scan error anywhere in them wins over a bucket's error.
 */
export function scanHistogram(
  text: string,
  metric: string,
  filter?: Record<string, string>,
): HistogramSnapshot {
  const filterKeys = filter ? Object.keys(filter) : [];
  const filterWanted = filterKeys.map((key) => (filter as Record<string, string>)[key]);
  /** The line's values of the filter's labels, and its le. */
  const filterSeen: (string | undefined)[] = filterKeys.map(() => undefined);
  let le: string | undefined;
  let kind = -1;

  const buckets: { le: number; count: number }[] = [];
  let samples = 0;
  let bucketSeries = 0;
  let countSeries = 0;
  let count = 0;
  let sum = 0;
  let infCount: number | undefined;
  let newestCount = Number.NEGATIVE_INFINITY;
  let newestBucket = Number.NEGATIVE_INFINITY;
  let everyCountStamped = true;
  let everyBucketStamped = true;
  /** The first matching bucket that could not be read: what is left of the text is only checked. */
  let failed: BadPayloadError | undefined;
  const leWhat = `${metric}_bucket le`;

  function addBucket(value: number, timestampMs: number | undefined): void {
    bucketSeries++;
    let bound: number;
    try {
      bound = parsePromNumber(le, leWhat);
    } catch (err) {
      failed = err as BadPayloadError;
      return;
    }
    if (!Number.isFinite(value)) {
      failed = new NotANumberError(`${metric}_bucket{le="${le}"} is ${value}`);
      return;
    }
    let same: { le: number; count: number } | undefined;
    for (const b of buckets) {
      if (b.le === bound) {
        same = b;
        break;
      }
    }
    if (same) same.count += value;
    else buckets.push({ le: bound, count: value });
    if (bound === Number.POSITIVE_INFINITY) infCount = (infCount ?? 0) + value;
    if (timestampMs === undefined) everyBucketStamped = false;
    else newestBucket = Math.max(newestBucket, timestampMs);
  }

  scanExposition(text, {
    series(from, to) {
      kind = seriesKind(text, metric, from, to);
      if (kind < 0) return -1;
      le = undefined;
      filterSeen.fill(undefined);
      return kind;
    },
    label(keyFrom, keyTo, valueFrom, valueTo) {
      if (kind === BUCKET && isKey(text, keyFrom, keyTo, 'le')) le = labelValue(text, valueFrom, valueTo);
      for (let k = 0; k < filterKeys.length; k++) {
        if (isKey(text, keyFrom, keyTo, filterKeys[k] as string))
          filterSeen[k] = labelValue(text, valueFrom, valueTo);
      }
    },
    sample(series, value, timestampMs) {
      samples++;
      if (failed) return;
      for (let k = 0; k < filterKeys.length; k++) if (filterSeen[k] !== filterWanted[k]) return;
      if (series === BUCKET) addBucket(value, timestampMs);
      else if (series === COUNT) {
        countSeries++;
        count += value;
        if (timestampMs === undefined) everyCountStamped = false;
        else newestCount = Math.max(newestCount, timestampMs);
      } else if (series === SUM) sum += value;
    },
  });
  if (failed) throw failed;
  if (bucketSeries === 0) throw new BadPayloadError(`histogram ${metric} not found (${samples} samples)`);
  if (infCount === undefined) throw new BadPayloadError(`histogram ${metric} has no +Inf bucket`);
  buckets.sort((a, b) => a.le - b.le);
  // the newest own timestamp of the count series (else of the buckets), when every one carries one
  const stamped = countSeries > 0 ? everyCountStamped : everyBucketStamped;
  const newest = countSeries > 0 ? newestCount : newestBucket;
  const snapshot: HistogramSnapshot = {
    kind: 'histogram',
    buckets,
    count: finite(countSeries > 0 ? count : infCount, `${metric}_count`),
    sum: finite(sum, `${metric}_sum`),
  };
  if (stamped) snapshot.timestampMs = newest;
  return snapshot;
}
