import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { scanHistogram } from '../../../../agent/src/metrics/histogram-text.ts';
import { BadPayloadError, NotANumberError } from '../../../../agent/src/metrics/prom-text.ts';
import { EXPOSITION } from './exposition-fixture.ts';

const INF = Number.POSITIVE_INFINITY;

/** The sample app's histogram (its buckets) beside prom-client's default process metrics and another histogram. */
async function sampleAppExposition(): Promise<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request arrival to response, seconds.',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10],
    registers: [registry],
  });
  for (const seconds of [0.004, 0.02, 0.02, 0.3, 0.9, 12]) duration.observe({ route: '/a' }, seconds);
  for (const seconds of [0.06, 0.2]) duration.observe({ route: '/b' }, seconds);
  // another histogram whose name the wanted one's begins
  new Histogram({ name: 'http_request_duration_seconds_total', help: 'x', registers: [registry] }).observe(1);
  return registry.metrics();
}

const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, INF];
const withBounds = (counts: number[]) => counts.map((count, i) => ({ le: bounds[i], count }));

describe('scanHistogram: the named histogram straight from exposition text', () => {
  it('sums every labelled series by le', () => {
    expect(scanHistogram(EXPOSITION, 'http_request_duration_seconds')).toEqual({
      kind: 'histogram',
      buckets: [
        { le: 0.1, count: 6 },
        { le: 0.5, count: 9 },
        { le: INF, count: 12 },
      ],
      count: 12,
      sum: 6.5,
    });
  });

  it('filters series by labels', () => {
    const histogram = scanHistogram(EXPOSITION, 'http_request_duration_seconds', { route: '/b' });
    expect(histogram).toMatchObject({ count: 3, sum: 4 });
    expect(histogram.buckets.map((b) => b.count)).toEqual([1, 1, 3]);
  });

  it('reads the sample app’s prom-client output among the default metrics (other histograms too)', async () => {
    const text = await sampleAppExposition();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('http_request_duration_seconds_total_bucket');
    const all = scanHistogram(text, 'http_request_duration_seconds');
    expect(all.buckets).toEqual(withBounds([1, 1, 3, 3, 4, 5, 6, 6, 6, 7, 7, 7, 7, 8]));
    expect(all.count).toBe(8);
    expect(all.sum).toBeCloseTo(13.504, 10);
    const b = scanHistogram(text, 'http_request_duration_seconds', { route: '/b' });
    expect(b.buckets).toEqual(withBounds([0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2]));
    expect(b.count).toBe(2);
    expect(b.sum).toBeCloseTo(0.26, 10);
  });

  it('matches a filter on an escaped label value', () => {
    const text = [
      'm_bucket{route="a\\"b",le="+Inf"} 2',
      'm_bucket{route="ab",le="+Inf"} 5',
      'm_sum{route="a\\"b"} 1',
      'm_count{route="a\\"b"} 2',
    ].join('\n');
    expect(scanHistogram(text, 'm', { route: 'a"b' })).toEqual({
      kind: 'histogram',
      buckets: [{ le: INF, count: 2 }],
      count: 2,
      sum: 1,
    });
  });

  it('skips comments and blank lines, reads CRLF, spaces in labels and an le of "Inf"', () => {
    const text =
      '# HELP m x\r\n# TYPE m histogram\r\n\r\n  m_bucket{le="0.5"} 1\r\nm_bucket{ le = "Inf" , } 3\r\n# EOF\r\n';
    expect(scanHistogram(text, 'm')).toEqual({
      kind: 'histogram',
      buckets: [
        { le: 0.5, count: 1 },
        { le: INF, count: 3 },
      ],
      // no _count series: the +Inf bucket's; no _sum series: 0
      count: 3,
      sum: 0,
    });
  });

  it('takes the newest own timestamp of the count series only when every one carries one', () => {
    const stamped =
      'm_bucket{le="+Inf"} 2 1700000000000\nm_count{a="1"} 2 1700000000500\nm_count{a="2"} 1 1700000000100\n';
    expect(scanHistogram(stamped, 'm').timestampMs).toBe(1700000000500);
    const oneUnstamped =
      'm_bucket{le="+Inf"} 2 1700000000000\nm_count{a="1"} 2 1700000000500\nm_count{a="2"} 1\n';
    expect(scanHistogram(oneUnstamped, 'm')).not.toHaveProperty('timestampMs');
  });

  it.each([
    [
      'a payload without the metric',
      'other_bucket{le="+Inf"} 1\nm_count 3\nm_sum 1\n',
      'histogram m not found (2 samples)',
    ],
    ['a histogram without +Inf', 'm_bucket{le="0.1"} 1\nm_count 1\n', 'histogram m has no +Inf bucket'],
    ['a non-numeric sample', 'm_bucket{le="0.1"} abc\n', 'm_bucket: not a number: "abc"'],
    ['an unparseable line', 'm_bucket{le=0.1} 1\n', 'invalid line 1 (label value not quoted)'],
    ['a bucket without le', 'm_bucket{route="/a"} 1\n', 'm_bucket le: missing value'],
    [
      'input cut inside a label value',
      'm_bucket{le="0.1"} 1\nm_bucket{le="+Inf"} 2\nm_sum 1\nm_count{route="/a',
      'invalid line 4 (unterminated label value): "m_count{route=\\"/a"',
    ],
    [
      'a malformed line of the metric after a bucket that cannot be read',
      'm_bucket{le="x"} 1\nm_sum{a="b} 1\n',
      'invalid line 2 (unterminated label value)',
    ],
  ])('rejects %s as a bad payload', (_name, text, message) => {
    expect(() => scanHistogram(text, 'm')).toThrow(BadPayloadError);
    expect(() => scanHistogram(text, 'm')).toThrow(message);
  });

  it('skips other metrics’ lines, even malformed ones, and lines of longer names', () => {
    const text = 'garbage{{{ here\nm_bucketx{le=1} x\nmm_sum{ 1\nm_bucket{le="+Inf"} 4\nm_sum 2\n';
    expect(scanHistogram(text, 'm')).toMatchObject({ count: 4, sum: 2 });
  });

  it.each([
    ['a NaN bucket count', 'm_bucket{le="0.1"} NaN\nm_bucket{le="+Inf"} 1\n', 'm_bucket{le="0.1"} is NaN'],
    ['an infinite sum', 'm_bucket{le="+Inf"} 2\nm_sum +Inf\nm_count 2\n', 'm_sum is Infinity'],
    ['a NaN count', 'm_bucket{le="+Inf"} 2\nm_count NaN\n', 'm_count is NaN'],
  ])('rejects %s as not a number', (_name, text, message) => {
    expect(() => scanHistogram(text, 'm')).toThrow(NotANumberError);
    expect(() => scanHistogram(text, 'm')).toThrow(message);
  });
});
