import { describe, expect, it } from 'vitest';
import {
  newestSampleQueries,
  podsRegex,
  type ResolvedPrometheusSource,
  requestRateQuery,
  resolvePrometheusSource,
  responseTimeQuery,
  signalQuery,
  vectorSelectors,
} from '../../../../hub/src/prometheus/promql.ts';
import type { PrometheusSource, Statistic } from '../../../../lib/api/types.ts';

function resolved(spec: PrometheusSource, defaultUrl?: string): ResolvedPrometheusSource {
  const r = resolvePrometheusSource(spec, defaultUrl);
  if ('error' in r) throw new Error(r.error);
  return r.source;
}

const histogram = resolved({ url: 'http://prom:9090/', metric: 'http_request_duration_seconds' });
const input = (statistic: Statistic, source = histogram) => ({
  source,
  statistic,
  namespace: 'shop',
  pods: ['web-a', 'web-b'],
});

describe('resolvePrometheusSource', () => {
  it('applies the defaults: 15 s scrapes, a window of four, stale after three, 5 s deadline, pod/namespace labels', () => {
    expect(histogram).toEqual({
      url: 'http://prom:9090',
      metric: 'http_request_duration_seconds',
      kind: 'histogram',
      labelMatchers: '',
      podLabel: 'pod',
      namespaceLabel: 'namespace',
      scrapeIntervalSeconds: 15,
      windowSeconds: 60,
      staleAfterSeconds: 45,
      timeoutSeconds: 5,
    });
  });

  it("takes the hub's --prometheus-url when the SLA names none, and says what to do when neither does", () => {
    expect(resolved({ metric: 'm' }, 'http://hub-default:9090').url).toBe('http://hub-default:9090');
    expect(resolvePrometheusSource({ metric: 'm' }, undefined)).toEqual({
      error: expect.stringContaining('--prometheus-url'),
    });
  });

  it('keeps an explicit window and scrape interval', () => {
    const s = resolved({ metric: 'm', url: 'http://p', scrapeInterval: '5s', window: '1m30s' });
    expect([s.scrapeIntervalSeconds, s.windowSeconds, s.staleAfterSeconds]).toEqual([5, 90, 15]);
  });
});

describe('PromQL of an SLA', () => {
  it('p95 of a histogram: histogram_quantile over the rate of the buckets, by le and pod, all pods at once', () => {
    expect(responseTimeQuery(input('p95'))).toBe(
      'histogram_quantile(0.95, sum by (le, pod) (rate(http_request_duration_seconds_bucket' +
        '{namespace="shop",pod=~"web-a|web-b"}[60000ms])))',
    );
  });

  it('the mean: rate of the sum over rate of the count, by pod', () => {
    expect(responseTimeQuery(input('mean'))).toBe(
      'sum by (pod) (rate(http_request_duration_seconds_sum{namespace="shop",pod=~"web-a|web-b"}[60000ms])) / ' +
        'sum by (pod) (rate(http_request_duration_seconds_count{namespace="shop",pod=~"web-a|web-b"}[60000ms]))',
    );
  });

  it('a summary reads its own quantile series; label matchers and custom pod/namespace labels apply', () => {
    const summary = resolved({
      url: 'http://p',
      metric: 'rpc_latency_seconds',
      type: 'summary',
      labelMatchers: 'job="api",route!="/healthz"',
      podLabel: 'kubernetes_pod_name',
      namespaceLabel: 'kubernetes_namespace',
    });
    expect(responseTimeQuery(input('p99', summary))).toBe(
      'max by (kubernetes_pod_name) (rpc_latency_seconds{kubernetes_namespace="shop",' +
        'kubernetes_pod_name=~"web-a|web-b",job="api",route!="/healthz",quantile="0.99"})',
    );
    expect(requestRateQuery(input('p99', summary))).toContain('rate(rpc_latency_seconds_count{');
  });

  it('the one query tags the statistic, the rate and the newest sample time and joins them with or', () => {
    const q = signalQuery(input('p90'));
    expect(q.match(/label_replace\(/g)).toHaveLength(4);
    expect(q).toContain('"kosmos_signal", "rt", "", "")');
    expect(q).toContain('"kosmos_signal", "rate", "", "")');
    expect(q).toContain('max by (pod) (timestamp(http_request_duration_seconds_count{');
    expect(q.split(' or ')).toHaveLength(3);
  });

  it('raw queries get $pods, $namespace, $window and $quantile, and a freshness probe per selector', () => {
    const raw = resolved({
      url: 'http://p',
      query: 'max by (pod) (my_rt{ns="$namespace",pod=~"$pods",q="$quantile"}[$window])',
      requestRateQuery: 'sum by (pod) (rate(my_requests_total{pod=~"$pods"}[$window]))',
      window: '30s',
    });
    expect(responseTimeQuery(input('p50', raw))).toBe(
      'max by (pod) (my_rt{ns="shop",pod=~"web-a|web-b",q="0.5"}[30000ms])',
    );
    expect(newestSampleQueries(input('p50', raw))).toEqual([
      'max by (pod) (timestamp(my_rt{ns="shop",pod=~"web-a|web-b",q="0.5"}))',
      'max by (pod) (timestamp(my_requests_total{pod=~"web-a|web-b"}))',
    ]);
    const q = signalQuery(input('p50', raw));
    expect(q.split(' or ')).toHaveLength(4);
    expect(q).toContain('"kosmos_selector", "0", "", "")');
    expect(q).toContain('"kosmos_selector", "1", "", "")');
    expect(() => responseTimeQuery(input('mean', raw))).toThrow(/\$quantile/);
  });

  it.each([
    ['rate(a_total{job="x"}[1m])', ['a_total{job="x"}']],
    [
      'sum(rate({__name__="a",pod=~"p"}[1m] offset 5m)) / b{le="+Inf"}',
      ['{__name__="a",pod=~"p"}', 'b{le="+Inf"}'],
    ],
    ['x{path="/a}b{"} + x{path="/a}b{"}', ['x{path="/a}b{"}']],
    ['y{q="say \\"}\\""} * on(pod) group_left kube:info{k=`}`}', ['y{q="say \\"}\\""}', 'kube:info{k=`}`}']],
    ['label_replace(up, "a", "{b}", "", "")', []],
    ['vector(1)', []],
  ])('finds the vector selectors of %s', (expr, selectors) => {
    expect(vectorSelectors(expr)).toEqual(selectors);
  });

  it('escapes regex characters of pod names (dots) inside the PromQL string', () => {
    expect(podsRegex(['web.v2-abc', 'web-x'])).toBe('web\\\\.v2-abc|web-x');
  });
});
