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
  let names = seriesNames.get(metric);
  if (!names) {
    names = new Set([metric, `${metric}_bucket`, `${metric}_count`, `${metric}_sum`]);
    seriesNames.set(metric, names);
  }
  const wanted = names;
  return scanSamples(text, (name) => wanted.has(name));
}

/** The series names of each metric asked for (a pod is scraped every tick for the same few). */
const seriesNames = new Map<string, Set<string>>();

const isBlank = (c: number) => c === 32 || c === 9 || c === 13; // space, tab, CR
/** [A-Za-z0-9_] */
const isLabelNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

function invalidLine(text: string, lineNo: number, lineStart: number, end: number, why: string) {
  return new BadPayloadError(
    `invalid line ${lineNo} (${why}): ${JSON.stringify(text.slice(lineStart, end))}`,
  );
}

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
        while (i < end && isLabelNameChar(text.charCodeAt(i))) i++;
        const key = text.slice(keyStart, i);
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (key === '' || text.charCodeAt(i) !== 61 /* = */)
          throw invalidLine(text, lineNo, lineStart, end, 'label name');
        i++;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) !== 34 /* " */)
          throw invalidLine(text, lineNo, lineStart, end, 'label value not quoted');
        i++;
        let value = '';
        let chunk = i;
        for (;;) {
          if (i >= end) throw invalidLine(text, lineNo, lineStart, end, 'unterminated label value');
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
        else if (text.charCodeAt(i) !== 125) throw invalidLine(text, lineNo, lineStart, end, 'labels');
      }
    }
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const valueStart = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    const value = parsePromNumber(text.slice(valueStart, i), name);
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const timestampText = text.slice(i, end).trimEnd();
    const timestampMs = timestampText === '' ? Number.NaN : Number(timestampText);
    const sample: Sample = { name, labels, value };
    if (Number.isFinite(timestampMs)) sample.timestampMs = timestampMs;
    samples.push(sample);
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
  // one pass, no intermediate series: every pod is scraped every tick
  const bucketName = `${metric}_bucket`;
  const countName = `${metric}_count`;
  const sumName = `${metric}_sum`;
  const buckets: { le: number; count: number }[] = [];
  let bucketSeries = 0;
  let countSeries = 0;
  let count = 0;
  let sum = 0;
  let infCount: number | undefined;
  let newestCount = Number.NEGATIVE_INFINITY;
  let newestBucket = Number.NEGATIVE_INFINITY;
  let everyCountStamped = true;
  let everyBucketStamped = true;
  for (const sample of samples) {
    if (!matches(sample.labels, filter)) continue;
    if (sample.name === bucketName) {
      bucketSeries++;
      const le = parsePromNumber(sample.labels['le'], `${metric}_bucket le`);
      const value = finite(sample.value, `${metric}_bucket{le="${sample.labels['le']}"}`);
      const same = buckets.find((b) => b.le === le);
      if (same) same.count += value;
      else buckets.push({ le, count: value });
      if (le === Number.POSITIVE_INFINITY) infCount = (infCount ?? 0) + value;
      if (sample.timestampMs === undefined) everyBucketStamped = false;
      else newestBucket = Math.max(newestBucket, sample.timestampMs);
    } else if (sample.name === countName) {
      countSeries++;
      count += sample.value;
      if (sample.timestampMs === undefined) everyCountStamped = false;
      else newestCount = Math.max(newestCount, sample.timestampMs);
    } else if (sample.name === sumName) {
      sum += sample.value;
    }
  }
  if (bucketSeries === 0)
    throw new BadPayloadError(`histogram ${metric} not found (${samples.length} samples)`);
  if (infCount === undefined) throw new BadPayloadError(`histogram ${metric} has no +Inf bucket`);
  buckets.sort((a, b) => a.le - b.le);
  // the newest own timestamp of the count series (else of the buckets), when every one carries one
  const stamped = countSeries > 0 ? everyCountStamped : everyBucketStamped;
  const newest = countSeries > 0 ? newestCount : newestBucket;
  return {
    kind: 'histogram',
    buckets,
    count: finite(countSeries > 0 ? count : infCount, `${metric}_count`),
    sum: finite(sum, `${metric}_sum`),
    ...(stamped ? { timestampMs: newest } : {}),
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
