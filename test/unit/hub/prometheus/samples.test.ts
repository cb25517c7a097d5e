import { describe, expect, it } from 'vitest';
import { podSamples, type VectorSample } from '../../../../hub/src/prometheus/samples.ts';

const T = 1_700_000_000;
const series = (signal: string, pod: string | undefined, value: string, extra = {}): VectorSample => ({
  metric: { kosmos_signal: signal, ...(pod ? { pod } : {}), ...extra },
  value: [T, value],
});
const samples = (s: VectorSample[], pods = ['a'], checksFreshness = true) =>
  podSamples({ series: s, evalTimeSeconds: T, pods, podLabel: 'pod', staleAfterSeconds: 3, checksFreshness });

describe('podSamples', () => {
  it('gives each pod its rate, response time and sample age', () => {
    const out = samples(
      [
        series('rt', 'a', '0.12'),
        series('rate', 'a', '40'),
        series('newest', 'a', String(T - 1)),
        series('rt', 'b', '0.3'),
        series('rate', 'b', '10'),
        series('newest', 'b', String(T - 2)),
        series('rate', 'other-pod', '99'),
      ],
      ['a', 'b'],
    );
    expect(out.get('a')).toEqual({
      ok: true,
      requestRate: 40,
      responseTimeSeconds: 0.12,
      sampleAgeSeconds: 1,
    });
    expect(out.get('b')).toEqual({
      ok: true,
      requestRate: 10,
      responseTimeSeconds: 0.3,
      sampleAgeSeconds: 2,
    });
  });

  it('an idle pod (rate 0, quantile NaN) is a sample without response time, not a failure', () => {
    expect(
      samples([series('rt', 'a', 'NaN'), series('rate', 'a', '0'), series('newest', 'a', String(T))]).get(
        'a',
      ),
    ).toEqual({
      ok: true,
      requestRate: 0,
      sampleAgeSeconds: 0,
    });
  });

  it.each([
    ['no series at all', [], 'PrometheusNoData', 'not scraped yet, or the labels do not match'],
    [
      'series without the pod label',
      [series('rate', undefined, '3'), series('rt', undefined, '0.1')],
      'PrometheusNoData',
      'carry no "pod" label',
    ],
    [
      'a newest sample older than three scrape intervals',
      [series('rt', 'a', '0.1'), series('rate', 'a', '5'), series('newest', 'a', String(T - 10))],
      'PrometheusStale',
      'older than 3 s',
    ],
    [
      'one of a raw query’s selectors stale while another is fresh (the oldest decides)',
      [
        series('rt', 'a', '0.1'),
        series('rate', 'a', '5'),
        series('newest', 'a', String(T), { kosmos_selector: '0' }),
        series('newest', 'a', String(T - 10), { kosmos_selector: '1' }),
      ],
      'PrometheusStale',
      'older than 3 s',
    ],
    [
      'NaN response time while requests finish',
      [series('rt', 'a', 'NaN'), series('rate', 'a', '5'), series('newest', 'a', String(T))],
      'PrometheusNotANumber',
      '+Inf bucket',
    ],
    [
      'an infinite rate',
      [series('rt', 'a', '0.1'), series('rate', 'a', '+Inf'), series('newest', 'a', String(T))],
      'PrometheusNotANumber',
      'request rate',
    ],
    [
      'several series per pod (the query does not aggregate by pod)',
      [
        series('rt', 'a', '0.1', { route: '/x' }),
        series('rt', 'a', '0.2', { route: '/y' }),
        series('rate', 'a', '5'),
        series('newest', 'a', String(T)),
      ],
      'PrometheusTooManySeries',
      'aggregate the query by (pod)',
    ],
    [
      'a rate but no response-time series',
      [series('rate', 'a', '5'), series('newest', 'a', String(T))],
      'PrometheusNoData',
      'no response-time series',
    ],
  ])('%s → %s', (_, s, reason, message) => {
    const out = samples(s as VectorSample[]).get('a');
    expect(out).toMatchObject({ ok: false, reason });
    expect((out as { message: string }).message).toContain(message);
  });

  it('raw queries (no freshness probe) are not judged stale', () => {
    expect(samples([series('rt', 'a', '0.1'), series('rate', 'a', '5')], ['a'], false).get('a')).toEqual({
      ok: true,
      requestRate: 5,
      responseTimeSeconds: 0.1,
    });
  });
});
