// The PromQL the hub runs for an SLA whose response time comes from Prometheus: one instant query per
// SLA covering all its pods, the response-time statistic, the request rate and the newest sample's
// time, each series tagged by a kosmos_signal label. Pure: source spec + pods in, query text out.
import type { PrometheusSource, Statistic } from '../../../lib/api/types.ts';
import { parseDurationSeconds } from '../../../lib/duration.ts';

/** The SLA's Prometheus source with every default applied, durations in seconds. */
export interface ResolvedPrometheusSource {
  url: string;
  metric?: string;
  kind: 'histogram' | 'summary';
  labelMatchers: string;
  podLabel: string;
  namespaceLabel: string;
  scrapeIntervalSeconds: number;
  windowSeconds: number;
  /** A pod whose newest sample is older than this is stale. */
  staleAfterSeconds: number;
  timeoutSeconds: number;
  query?: string;
  requestRateQuery?: string;
  bearerTokenFile?: string;
  caFile?: string;
}

/** Samples older than this many scrape intervals are stale (one missed scrape and jitter are not). */
export const STALE_AFTER_INTERVALS = 3;
/** The default window: four scrapes, so a rate still has two samples after a missed scrape. */
export const DEFAULT_WINDOW_INTERVALS = 4;
export const DEFAULT_SCRAPE_INTERVAL = '15s';
export const DEFAULT_TIMEOUT = '5s';

/** The label that tells the three signals apart in the one query's answer. */
export const SIGNAL_LABEL = 'kosmos_signal';
export type SignalName = 'rt' | 'rate' | 'newest';

const QUANTILES: Record<Exclude<Statistic, 'mean'>, string> = {
  p50: '0.5',
  p90: '0.9',
  p95: '0.95',
  p99: '0.99',
};

/** The source with defaults, or what is wrong with it (what the CRD's rules cannot see). */
export function resolvePrometheusSource(
  spec: PrometheusSource,
  defaultUrl: string | undefined,
): { source: ResolvedPrometheusSource } | { error: string } {
  const url = spec.url ?? defaultUrl;
  if (!url) {
    return {
      error: 'no Prometheus URL: set spec.metrics.prometheus.url or start the hub with --prometheus-url',
    };
  }
  if (!spec.metric && !(spec.query && spec.requestRateQuery)) {
    return { error: 'spec.metrics.prometheus needs metric, or both query and requestRateQuery' };
  }
  const seconds = (field: string, text: string | undefined, fallback: string) => {
    const s = parseDurationSeconds(text ?? fallback);
    return s !== undefined && s > 0
      ? s
      : new Error(`spec.metrics.prometheus.${field}: "${text}" is not a duration`);
  };
  const interval = seconds('scrapeInterval', spec.scrapeInterval, DEFAULT_SCRAPE_INTERVAL);
  const timeout = seconds('timeout', spec.timeout, DEFAULT_TIMEOUT);
  if (interval instanceof Error) return { error: interval.message };
  if (timeout instanceof Error) return { error: timeout.message };
  const window = spec.window ? seconds('window', spec.window, '') : DEFAULT_WINDOW_INTERVALS * interval;
  if (window instanceof Error) return { error: window.message };
  return {
    source: {
      url: url.replace(/\/+$/, ''),
      ...(spec.metric ? { metric: spec.metric } : {}),
      kind: spec.type ?? 'histogram',
      labelMatchers: (spec.labelMatchers ?? '').trim().replace(/^,|,$/g, ''),
      podLabel: spec.podLabel ?? 'pod',
      namespaceLabel: spec.namespaceLabel ?? 'namespace',
      scrapeIntervalSeconds: interval,
      windowSeconds: window,
      staleAfterSeconds: STALE_AFTER_INTERVALS * interval,
      timeoutSeconds: timeout,
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.requestRateQuery ? { requestRateQuery: spec.requestRateQuery } : {}),
      ...(spec.bearerTokenFile ? { bearerTokenFile: spec.bearerTokenFile } : {}),
      ...(spec.caFile ? { caFile: spec.caFile } : {}),
    },
  };
}

/** A PromQL range: whole milliseconds (PromQL durations take no fractions). */
export function promDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}

/** Pod names as one RE2 alternation inside a PromQL string: dots escaped (`\\.` in the query text). */
export function podsRegex(pods: readonly string[]): string {
  return pods.map((p) => p.replace(/[.\\|()[\]{}*+?^$]/g, (c) => `\\\\${c}`)).join('|');
}

export interface SignalQueryInput {
  source: ResolvedPrometheusSource;
  statistic: Statistic;
  namespace: string;
  pods: readonly string[];
}

/** `$pods`, `$namespace`, `$window`, `$quantile` in a raw query; an error for $quantile with the mean. */
export function substitute(query: string, input: SignalQueryInput): string {
  return query.replace(/\$(pods|namespace|window|quantile)\b/g, (_, name: string) => {
    switch (name) {
      case 'pods':
        return podsRegex(input.pods);
      case 'namespace':
        return input.namespace;
      case 'window':
        return promDuration(input.source.windowSeconds);
      default:
        if (input.statistic === 'mean') {
          throw new Error('the query uses $quantile but the objective statistic is mean: write the mean');
        }
        return QUANTILES[input.statistic];
    }
  });
}

function selector(name: string, input: SignalQueryInput, extra = ''): string {
  const { source, namespace, pods } = input;
  const matchers = [
    `${source.namespaceLabel}="${namespace}"`,
    `${source.podLabel}=~"${podsRegex(pods)}"`,
    ...(source.labelMatchers ? [source.labelMatchers] : []),
    ...(extra ? [extra] : []),
  ];
  return `${name}{${matchers.join(',')}}`;
}

/** The response-time statistic per pod, seconds. */
export function responseTimeQuery(input: SignalQueryInput): string {
  const { source, statistic } = input;
  if (source.query) return substitute(source.query, input);
  const m = source.metric as string;
  const w = promDuration(source.windowSeconds);
  const pod = source.podLabel;
  if (statistic === 'mean') {
    return (
      `sum by (${pod}) (rate(${selector(`${m}_sum`, input)}[${w}])) / ` +
      `sum by (${pod}) (rate(${selector(`${m}_count`, input)}[${w}]))`
    );
  }
  const q = QUANTILES[statistic];
  if (source.kind === 'summary') return `max by (${pod}) (${selector(m, input, `quantile="${q}"`)})`;
  return `histogram_quantile(${q}, sum by (le, ${pod}) (rate(${selector(`${m}_bucket`, input)}[${w}])))`;
}

/** Requests finished per second per pod. */
export function requestRateQuery(input: SignalQueryInput): string {
  const { source } = input;
  if (source.requestRateQuery) return substitute(source.requestRateQuery, input);
  const w = promDuration(source.windowSeconds);
  return `sum by (${source.podLabel}) (rate(${selector(`${source.metric}_count`, input)}[${w}]))`;
}

/**
 * The vector selectors of a PromQL expression (`name{matchers}` or `{matchers}`), each once, in
 * order: every `{` outside a string literal opens one. Ranges and offsets are left out.
 */
export function vectorSelectors(expr: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = endOfString(expr, i);
      continue;
    }
    if (c !== '{') {
      i++;
      continue;
    }
    let start = i;
    while (start > 0 && /[A-Za-z0-9_:]/.test(expr[start - 1]!)) start--;
    let end = i + 1;
    while (end < expr.length && expr[end] !== '}') {
      end = /["'`]/.test(expr[end]!) ? endOfString(expr, end) : end + 1;
    }
    const selector = expr.slice(start, end + 1);
    if (!found.includes(selector)) found.push(selector);
    i = end + 1;
  }
  return found;
}

/** The index just past the string literal opening at `open` (backslash escapes, except in backticks). */
function endOfString(expr: string, open: number): number {
  const quote = expr[open]!;
  let i = open + 1;
  while (i < expr.length && expr[i] !== quote) i += quote !== '`' && expr[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * The newest sample's time per pod (seconds since the epoch), one expression per selector: the
 * metric's `_count` series, or for raw queries every selector they read (the hub takes the oldest,
 * so one input Prometheus stopped scraping makes the pod stale). Selectors whose series carry no pod
 * label give nothing and are not checked.
 */
export function newestSampleQueries(input: SignalQueryInput): string[] {
  const { source } = input;
  const newest = (sel: string) => `max by (${source.podLabel}) (timestamp(${sel}))`;
  if (source.metric && !source.query && !source.requestRateQuery) {
    return [newest(selector(`${source.metric}_count`, input))];
  }
  const selectors = vectorSelectors(`${responseTimeQuery(input)} ${requestRateQuery(input)}`);
  return selectors.map(newest);
}

const tagged = (signal: SignalName, expr: string) =>
  `label_replace(${expr}, "${SIGNAL_LABEL}", "${signal}", "", "")`;

/** The label that keeps apart the newest-sample series of a raw query's selectors (`or` would merge them). */
export const SELECTOR_LABEL = 'kosmos_selector';

/** The one query of an SLA: its signals tagged and joined with `or`. Throws on a bad raw query. */
export function signalQuery(input: SignalQueryInput): string {
  const parts = [tagged('rt', responseTimeQuery(input)), tagged('rate', requestRateQuery(input))];
  for (const [i, newest] of newestSampleQueries(input).entries()) {
    parts.push(tagged('newest', `label_replace(${newest}, "${SELECTOR_LABEL}", "${i}", "", "")`));
  }
  return parts.join(' or ');
}
