import { describe, expect, it } from 'vitest';
import { coreSharePercent, formatValue, mib, percentile, summarize } from '../../../../bench/speed/stats.ts';

describe('percentile', () => {
  it.each([
    [0.5, 5],
    [0.95, 10],
    [0.99, 10],
    [0.1, 1],
    [0, 1],
    [1, 10],
  ])('nearest rank q=%s of 1..10 is %s', (q, expected) => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], q)).toBe(expected);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts the samples itself and reports count, min, mean, percentiles and max', () => {
    expect(summarize([30, 10, 20, 40])).toEqual({
      count: 4,
      min: 10,
      mean: 25,
      p50: 20,
      p90: 40,
      p95: 40,
      p99: 40,
      max: 40,
    });
  });

  it('leaves the caller’s array in its order', () => {
    const samples = [3, 1, 2];
    summarize(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('summarizes nothing as NaN values with count 0', () => {
    const s = summarize([]);
    expect(s.count).toBe(0);
    expect(s.mean).toBeNaN();
    expect(s.max).toBeNaN();
  });
});

describe('formatValue', () => {
  it.each([
    [1234.4, 'ms', '1234 ms'],
    [12.34, 'ms', '12.3 ms'],
    [1.234, 'ms', '1.23 ms'],
    [0.01234, 'ms', '0.012 ms'],
    [0.8, '%', '0.80 %'],
    [150000, '/s', '150,000 /s'],
    [16.4, '/min', '16.4 /min'],
    [110, 'count', '110'],
    [22172, 'count', '22,172'],
    [2.5, 'count', '2.50'],
    [4, 'ratio', '4.00×'],
    [312.4, 'MiB', '312 MiB'],
  ] as const)('%s %s → %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });

  it('shows booleans as yes/no and missing values as n/a', () => {
    expect(formatValue(true, 'bool')).toBe('yes');
    expect(formatValue(false, 'bool')).toBe('no');
    expect(formatValue(null, 'ms')).toBe('n/a');
    expect(formatValue(Number.NaN, 'ms')).toBe('n/a');
  });
});

describe('units', () => {
  it('converts bytes to MiB', () => {
    expect(mib(3 * 1024 * 1024)).toBe(3);
  });

  it('turns CPU microseconds over a wall time into percent of one core', () => {
    expect(coreSharePercent(8_000, 1000)).toBeCloseTo(0.8);
    expect(coreSharePercent(2_000_000, 1000)).toBe(200);
    expect(coreSharePercent(1, 0)).toBeNaN();
  });
});
