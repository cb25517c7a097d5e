import { describe, expect, it } from 'vitest';
import {
  BadPayloadError,
  extractHistogram,
  extractSummary,
  parseSamples,
  samplesOf,
} from '../../../../agent/src/metrics/prom-text.ts';

const EXPOSITION = `# HELP http_request_duration_seconds Request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1",route="/a",code="200"} 5
http_request_duration_seconds_bucket{le="0.5",route="/a",code="200"} 8
http_request_duration_seconds_bucket{le="+Inf",route="/a",code="200"} 9
http_request_duration_seconds_sum{route="/a",code="200"} 2.5
http_request_duration_seconds_count{route="/a",code="200"} 9
http_request_duration_seconds_bucket{le="0.1",route="/b",code="200"} 1
http_request_duration_seconds_bucket{le="0.5",route="/b",code="200"} 1
http_request_duration_seconds_bucket{le="+Inf",route="/b",code="200"} 3
http_request_duration_seconds_sum{route="/b",code="200"} 4
http_request_duration_seconds_count{route="/b",code="200"} 3
# HELP rpc_seconds RPC latency.
# TYPE rpc_seconds summary
rpc_seconds{quantile="0.5"} 0.05
rpc_seconds{quantile="0.99"} 0.3
rpc_seconds_sum 12
rpc_seconds_count 100`;

describe('Prometheus exposition parsing', () => {
  it('keeps every labelled histogram series and sums them by le', () => {
    const histogram = extractHistogram(parseSamples(EXPOSITION), 'http_request_duration_seconds');
    expect(histogram).toEqual({
      kind: 'histogram',
      buckets: [
        { le: 0.1, count: 6 },
        { le: 0.5, count: 9 },
        { le: Number.POSITIVE_INFINITY, count: 12 },
      ],
      count: 12,
      sum: 6.5,
    });
  });

  it('filters series by labels', () => {
    const histogram = extractHistogram(parseSamples(EXPOSITION), 'http_request_duration_seconds', {
      route: '/b',
    });
    expect(histogram.count).toBe(3);
    expect(histogram.sum).toBe(4);
  });

  it('reads a summary, including its last line without a trailing newline', () => {
    expect(extractSummary(parseSamples(EXPOSITION), 'rpc_seconds')).toEqual({
      kind: 'summary',
      quantiles: [
        { q: 0.5, value: 0.05 },
        { q: 0.99, value: 0.3 },
      ],
      count: 100,
      sum: 12,
    });
  });

  it.each([
    ['a payload without the metric', 'other_metric 1\n', /not found/],
    ['a histogram without +Inf', 'x_bucket{le="0.1"} 1\nx_count 1\n', /\+Inf/],
    ['a non-numeric sample', 'x_bucket{le="0.1"} abc\n', /not a number/],
    ['an unparseable line', 'x_bucket{le=0.1} 1\n', /invalid line/],
  ])('rejects %s as a bad payload', (_name, text, message) => {
    expect(() => extractHistogram(parseSamples(text), 'x')).toThrow(BadPayloadError);
    expect(() => extractHistogram(parseSamples(text), 'x')).toThrow(message);
  });

  it('reads escaped label values, spaces and own timestamps in one pass', () => {
    const text = 'm_count{path="a\\"b\\\\c\\nd" , code="200",} 7 1700000000000\r\n  m_sum 1.5\n';
    expect(parseSamples(text)).toEqual([
      { name: 'm_count', labels: { path: 'a"b\\c\nd', code: '200' }, value: 7, timestampMs: 1700000000000 },
      { name: 'm_sum', labels: {}, value: 1.5 },
    ]);
  });

  it('parses only the named metric: other lines, even malformed ones, are skipped', () => {
    const text = `garbage{{{ here\nother_metric{le=1} x\n${EXPOSITION}`;
    const samples = samplesOf(text, 'rpc_seconds');
    expect(samples.map((s) => s.name)).toEqual([
      'rpc_seconds',
      'rpc_seconds',
      'rpc_seconds_sum',
      'rpc_seconds_count',
    ]);
    expect(extractSummary(samples, 'rpc_seconds').count).toBe(100);
  });
});
