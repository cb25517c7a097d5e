import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseDurationSeconds } from '../../../lib/duration.ts';

// The grammar is Go's time.ParseDuration (what Kubernetes and CEL's duration() read).
describe('parseDurationSeconds', () => {
  it.each([
    ['200ms', 0.2],
    ['1.5s', 1.5],
    ['1m30s', 90],
    ['1h30m', 5400],
    ['2h45m0.5s', 9900.5],
    ['250us', 0.00025],
    ['250µs', 0.00025],
    ['250μs', 0.00025],
    ['100ns', 1e-7],
    ['.5s', 0.5],
    ['1.s', 1],
    ['0', 0],
    ['0s', 0],
    ['+1s', 1],
    ['-1.5s', -1.5],
    ['1m1m', 120],
  ])('reads %j as %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBeCloseTo(seconds, 12);
  });

  it.each([
    '',
    '200',
    '1',
    'ms',
    '.s',
    '1d',
    '2w',
    '1S',
    '1M',
    '1 s',
    ' 1s',
    '1s ',
    '1m 30s',
    '1e3s',
    '--1s',
    '1s-',
    '0x10s',
    'P1D',
  ])('rejects %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['0', 0],
    ['1500us', 2],
    ['-0', 0],
  ])('%j = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', '10', 's', '1d'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});
