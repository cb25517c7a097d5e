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
}

export interface SummarySnapshot {
  kind: 'summary';
  /** Quantiles the client computed over its own sliding window, ascending. */
  quantiles: { q: number; value: number }[];
  count: number;
  sum: number;
}

export type LatencySnapshot = HistogramSnapshot | SummarySnapshot;

/** The payload is not usable exposition text, or lacks the named metric. */
export class BadPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadPayloadError';
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
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
      samples.push({
        name: family.name,
        labels: metric.labels ?? {},
        value: parsePromNumber(metric.value, family.name),
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
    byLe.set(le, (byLe.get(le) ?? 0) + sample.value);
  }
  if (!byLe.has(Number.POSITIVE_INFINITY))
    throw new BadPayloadError(`histogram ${metric} has no +Inf bucket`);
  const buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  const counts = seriesOf(samples, `${metric}_count`, filter);
  const count = counts.length > 0 ? total(counts) : (byLe.get(Number.POSITIVE_INFINITY) as number);
  return { kind: 'histogram', buckets, count, sum: total(seriesOf(samples, `${metric}_sum`, filter)) };
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
    count: total(counts),
    sum: total(seriesOf(samples, `${metric}_sum`, filter)),
  };
}
