// Prometheus text exposition → the latency histogram or summary the SLA names. Parsing is done by
// parse-prometheus-text-format; its family grouping merges labelled histogram series into one (and
// drops their _sum/_count), so TYPE lines are removed first and series are grouped here by labels.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface HistogramSnapshot {
  kind: 'histogram';
  /** Cumulative counts by upper bound, ascending, ending with +Inf. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
  /** The exposition's own timestamp of the count series (ms since the epoch), when it carries one. */
  timestampMs?: number;
}

export interface SummarySnapshot {
  kind: 'summary';
  /** Quantiles the client computed over its own sliding window, ascending. */
  quantiles: { q: number; value: number }[];
  count: number;
  sum: number;
  /** The exposition's own timestamp of the count series (ms since the epoch), when it carries one. */
  timestampMs?: number;
}

export type LatencySnapshot = HistogramSnapshot | SummarySnapshot;

/** The payload is not usable exposition text, or lacks the named metric. */
export class BadPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadPayloadError';
  }
}

/** The named metric's counts or sum are NaN or infinite: no window can be measured from them. */
export class NotANumberError extends BadPayloadError {
  constructor(message: string) {
    super(message);
    this.name = 'NotANumberError';
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The sample's own timestamp, ms since the epoch, when the exposition gives one. */
  timestampMs?: number;
}

export function parsePromNumber(raw: string | undefined, what: string): number {
  if (raw === undefined) throw new BadPayloadError(`${what}: missing value`);
  const text = raw.trim();
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value))
    throw new BadPayloadError(`${what}: not a number: ${JSON.stringify(raw)}`);
  return value;
}

/** Every sample of the exposition with its own labels. */
export function parseSamples(text: string): Sample[] {
  const untyped = `${text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('# TYPE '))
    .join('\n')}\n`; // the parser drops a last line with no newline after it
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(untyped);
  } catch (err) {
    throw new BadPayloadError((err as Error).message);
  }
  const samples: Sample[] = [];
  for (const family of families) {
    for (const metric of family.metrics) {
      const timestampMs = metric.timestamp_ms === undefined ? Number.NaN : Number(metric.timestamp_ms);
      samples.push({
        name: family.name,
        labels: metric.labels ?? {},
        value: parsePromNumber(metric.value, family.name),
        ...(Number.isFinite(timestampMs) ? { timestampMs } : {}),
      });
    }
  }
  return samples;
}

function matches(labels: Record<string, string>, filter: Record<string, string> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, v]) => labels[k] === v);
}

function seriesOf(samples: Sample[], name: string, filter: Record<string, string> | undefined): Sample[] {
  return samples.filter((s) => s.name === name && matches(s.labels, filter));
}

const total = (samples: Sample[]) => samples.reduce((acc, s) => acc + s.value, 0);

/** Cumulative counts and sums must be finite numbers: NaN or ±Inf would poison every window. */
function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new NotANumberError(`${what} is ${value}`);
  return value;
}

/** The newest own timestamp of the series, when every one of them carries one. */
function timestampOf(series: Sample[]): { timestampMs?: number } {
  if (series.length === 0 || series.some((s) => s.timestampMs === undefined)) return {};
  return { timestampMs: Math.max(...series.map((s) => s.timestampMs as number)) };
}

/**
 * The named histogram, summed over all series that match the label filter (e.g. every route of a
 * service), as Prometheus's `sum by (le)` would.
 */
export function extractHistogram(
  samples: Sample[],
  metric: string,
  filter?: Record<string, string>,
): HistogramSnapshot {
  const bucketSamples = seriesOf(samples, `${metric}_bucket`, filter);
  if (bucketSamples.length === 0)
    throw new BadPayloadError(`histogram ${metric} not found (${samples.length} samples)`);
  const byLe = new Map<number, number>();
  for (const sample of bucketSamples) {
    const le = parsePromNumber(sample.labels['le'], `${metric}_bucket le`);
    byLe.set(le, (byLe.get(le) ?? 0) + finite(sample.value, `${metric}_bucket{le="${sample.labels['le']}"}`));
  }
  if (!byLe.has(Number.POSITIVE_INFINITY))
    throw new BadPayloadError(`histogram ${metric} has no +Inf bucket`);
  const buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const counts = seriesOf(samples, `${metric}_count`, filter);
  const count = counts.length > 0 ? total(counts) : (byLe.get(Number.POSITIVE_INFINITY) as number);
  return {
    kind: 'histogram',
    buckets,
    count: finite(count, `${metric}_count`),
    sum: finite(total(seriesOf(samples, `${metric}_sum`, filter)), `${metric}_sum`),
    ...timestampOf(counts.length > 0 ? counts : bucketSamples),
  };
}

/** The named summary; quantiles of several matching series are averaged (they can't be summed). */
export function extractSummary(
  samples: Sample[],
  metric: string,
  filter?: Record<string, string>,
): SummarySnapshot {
  const quantileSamples = seriesOf(samples, metric, filter).filter((s) => s.labels['quantile'] !== undefined);
  const counts = seriesOf(samples, `${metric}_count`, filter);
  if (counts.length === 0)
    throw new BadPayloadError(`summary ${metric} not found (${samples.length} samples)`);
  const byQ = new Map<number, number[]>();
  for (const sample of quantileSamples) {
    const q = parsePromNumber(sample.labels['quantile'], `${metric} quantile`);
    byQ.set(q, [...(byQ.get(q) ?? []), sample.value]);
  }
  const quantiles = [...byQ]
    .map(([q, values]) => ({ q, value: values.reduce((a, b) => a + b, 0) / values.length }))
    .sort((a, b) => a.q - b.q);
  return {
    kind: 'summary',
    quantiles,
    count: finite(total(counts), `${metric}_count`),
    sum: finite(total(seriesOf(samples, `${metric}_sum`, filter)), `${metric}_sum`),
    ...timestampOf(counts),
  };
}
