import { describe, expect, it } from 'vitest';
import {
  extractSummary,
  labelValue,
  parseSamples,
  samplesOf,
} from '../../../../agent/src/metrics/prom-text.ts';
import { EXPOSITION } from './exposition-fixture.ts';

describe('Prometheus exposition parsing', () => {
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

  it.each([
    ['no escapes', 'abc', 'abc'],
    ['a quote and a backslash', 'a\\"b\\\\c', 'a"b\\c'],
    ['a newline', 'x\\ny', 'x\ny'],
    ['an unknown escape kept as its character', '\\t', 't'],
  ])('resolves a label value with %s', (_name, quoted, value) => {
    const text = `m{v="${quoted}"} 1`;
    expect(labelValue(text, 5, 5 + quoted.length)).toBe(value);
  });
});
