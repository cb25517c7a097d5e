// Prometheus text exposition → the latency histogram or summary the SLA names: one pass over the
// lines, parsing only the named metric's series (a pod exposes hundreds of others), grouped here by labels.

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
  return scanSamples(text, () => true);
}

/** The samples of the named metric (a histogram's or summary's own series and _bucket, _count, _sum). */
export function samplesOf(text: string, metric: string): Sample[] {
  const names = new Set([metric, `${metric}_bucket`, `${metric}_count`, `${metric}_sum`]);
  return scanSamples(text, (name) => names.has(name));
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13; // space, tab, CR

/**
 * One pass over the exposition, line by line: comments and the lines of other metrics are skipped at
 * the cost of finding their name; the wanted ones are parsed (labels with their escapes, value,
 * optional timestamp). A wanted line that is not exposition text is a bad payload.
 */
export function scanSamples(text: string, wanted: (name: string) => boolean): Sample[] {
  const samples: Sample[] = [];
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    lineNo++;
    let i = pos;
    const lineStart = pos;
    pos = end + 1;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end || text.charCodeAt(i) === 35 /* # */) continue;
    const nameStart = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 123 /* { */ || isBlank(c)) break;
      i++;
    }
    const name = text.slice(nameStart, i);
    if (!wanted(name)) continue;
    const bad = (why: string) =>
      new BadPayloadError(`invalid line ${lineNo} (${why}): ${JSON.stringify(text.slice(lineStart, end))}`);
    const labels: Record<string, string> = {};
    if (text.charCodeAt(i) === 123) {
      i++;
      for (;;) {
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 125 /* } */) {
          i++;
          break;
        }
        const keyStart = i;
        while (i < end && /[A-Za-z0-9_]/.test(text[i]!)) i++;
        const key = text.slice(keyStart, i);
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (key === '' || text.charCodeAt(i) !== 61 /* = */) throw bad('label name');
        i++;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) !== 34 /* " */) throw bad('label value not quoted');
        i++;
        let value = '';
        let chunk = i;
        for (;;) {
          if (i >= end) throw bad('unterminated label value');
          const c = text.charCodeAt(i);
          if (c === 34) break;
          if (c === 92 /* \ */) {
            value += text.slice(chunk, i);
            const next = text[i + 1];
            value += next === 'n' ? '\n' : (next ?? '');
            i += 2;
            chunk = i;
            continue;
          }
          i++;
        }
        labels[key] = value + text.slice(chunk, i);
        i++;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 44 /* , */) i++;
        else if (text.charCodeAt(i) !== 125) throw bad('labels');
      }
    }
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const valueStart = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    const value = parsePromNumber(text.slice(valueStart, i), name);
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const timestampText = text.slice(i, end).trimEnd();
    const timestampMs = timestampText === '' ? Number.NaN : Number(timestampText);
    samples.push({ name, labels, value, ...(Number.isFinite(timestampMs) ? { timestampMs } : {}) });
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
