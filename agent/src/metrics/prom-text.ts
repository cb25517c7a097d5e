// Prometheus text exposition → the latency summary the SLA names (histograms: histogram-text.ts): one
// pass over the lines, parsing only the named metric's series (a pod exposes hundreds of others).

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

/** The number a Prometheus value text stands for; undefined when it stands for none. */
export function promNumber(raw: string): number | undefined {
  const text = raw.trim();
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text === '' || Number.isNaN(value) ? undefined : value;
}

export function parsePromNumber(raw: string | undefined, what: string): number {
  if (raw === undefined) throw new BadPayloadError(`${what}: missing value`);
  const value = promNumber(raw);
  if (value === undefined) throw new BadPayloadError(`${what}: not a number: ${JSON.stringify(raw)}`);
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

/** Every sample of the wanted names, as objects. */
export function scanSamples(text: string, wanted: (name: string) => boolean): Sample[] {
  const samples: Sample[] = [];
  let name = '';
  let labels: Record<string, string> = {};
  scanExposition(text, {
    series(from, to) {
      name = text.slice(from, to);
      if (!wanted(name)) return -1;
      labels = {};
      return 0;
    },
    label(keyFrom, keyTo, valueFrom, valueTo) {
      labels[text.slice(keyFrom, keyTo)] = labelValue(text, valueFrom, valueTo);
    },
    sample(_series, value, timestampMs) {
      const sample: Sample = { name, labels, value };
      if (timestampMs !== undefined) sample.timestampMs = timestampMs;
      samples.push(sample);
    },
  });
  return samples;
}

/**
 * What scanExposition tells about the lines it parses, by positions in the text: nothing is sliced
 * or built unless the sink does it.
 */
export interface ExpositionSink {
  /** The line's series name is text[from, to): which wanted series it is (≥ 0), or -1 to skip the line. */
  series(from: number, to: number): number;
  /** A label of a wanted line: name text[keyFrom, keyTo), quoted value text[valueFrom, valueTo) still escaped. */
  label(keyFrom: number, keyTo: number, valueFrom: number, valueTo: number): void;
  /** The line's value and own timestamp (ms since the epoch, when it has a finite one). */
  sample(series: number, value: number, timestampMs: number | undefined): void;
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13; // space, tab, CR
/** [A-Za-z0-9_] */
const isLabelNameChar = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

function invalidLine(text: string, lineNo: number, lineStart: number, end: number, why: string) {
  return new BadPayloadError(
    `invalid line ${lineNo} (${why}): ${JSON.stringify(text.slice(lineStart, end))}`,
  );
}

/** A quoted label value text[from, to) with its escapes resolved (\n a newline, \x the character x). */
export function labelValue(text: string, from: number, to: number): string {
  let i = from;
  while (i < to && text.charCodeAt(i) !== 92) i++;
  if (i === to) return text.slice(from, to);
  let value = '';
  let chunk = from;
  for (; i < to; i++) {
    if (text.charCodeAt(i) !== 92 /* \ */) continue;
    value += text.slice(chunk, i);
    const next = text[i + 1];
    value += next === 'n' ? '\n' : (next ?? '');
    i++;
    chunk = i + 1;
  }
  return value + text.slice(chunk, to);
}

/**
 * One pass over the exposition, line by line: comments and the lines the sink does not want are
 * skipped at the cost of finding their name; the wanted ones are parsed (labels, value, optional
 * timestamp). A wanted line that is not exposition text is a bad payload.
 */
export function scanExposition(text: string, sink: ExpositionSink): void {
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
    const nameEnd = i;
    const series = sink.series(nameStart, nameEnd);
    if (series < 0) continue;
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
        const keyEnd = i;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (keyEnd === keyStart || text.charCodeAt(i) !== 61 /* = */)
          throw invalidLine(text, lineNo, lineStart, end, 'label name');
        i++;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) !== 34 /* " */)
          throw invalidLine(text, lineNo, lineStart, end, 'label value not quoted');
        i++;
        const valueStart = i;
        for (;;) {
          if (i >= end) throw invalidLine(text, lineNo, lineStart, end, 'unterminated label value');
          const c = text.charCodeAt(i);
          if (c === 34) break;
          i += c === 92 /* \ */ ? 2 : 1;
        }
        sink.label(keyStart, keyEnd, valueStart, i);
        i++;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 44 /* , */) i++;
        else if (text.charCodeAt(i) !== 125) throw invalidLine(text, lineNo, lineStart, end, 'labels');
      }
    }
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const valueStart = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    const valueText = text.slice(valueStart, i);
    const value = promNumber(valueText);
    if (value === undefined)
      throw new BadPayloadError(
        `${text.slice(nameStart, nameEnd)}: not a number: ${JSON.stringify(valueText)}`,
      );
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const timestampText = i < end ? text.slice(i, end).trimEnd() : '';
    const timestampMs = timestampText === '' ? Number.NaN : Number(timestampText);
    sink.sample(series, value, Number.isFinite(timestampMs) ? timestampMs : undefined);
  }
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
export function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new NotANumberError(`${what} is ${value}`);
  return value;
}

/** The newest own timestamp of the series, when every one of them carries one. */
function timestampOf(series: Sample[]): { timestampMs?: number } {
  if (series.length === 0 || series.some((s) => s.timestampMs === undefined)) return {};
  return { timestampMs: Math.max(...series.map((s) => s.timestampMs as number)) };
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
