import { describe, expect, it } from 'vitest';
import {
  CgroupParseError,
  parseCpuStat,
  parseMemoryStat,
  parsePressure,
  parseSingleValue,
  workingSetBytes,
} from '../../../../agent/src/cgroup/parse.ts';

describe('cgroup file parsers', () => {
  it('reads v2 cpu.stat usage and throttling', () => {
    const text =
      'usage_usec 1019091\nuser_usec 1015372\nsystem_usec 3719\nnr_periods 20\nnr_throttled 7\nthrottled_usec 9\n';
    expect(parseCpuStat(text, 'v2')).toEqual({ usageUsec: 1019091, nrPeriods: 20, nrThrottled: 7 });
  });

  it('reads v2 cpu.stat of a cgroup without the cpu controller (no periods)', () => {
    expect(parseCpuStat('usage_usec 5\nuser_usec 4\nsystem_usec 1\nnice_usec 0\n', 'v2')).toEqual({
      usageUsec: 5,
      nrPeriods: undefined,
      nrThrottled: undefined,
    });
  });

  it('reads lines separated by tabs and runs of spaces, with CRLF endings and blank lines', () => {
    expect(parseCpuStat('usage_usec\t30\r\n\n  nr_periods   4 \nnr_throttled 1', 'v2')).toEqual({
      usageUsec: 30,
      nrPeriods: 4,
      nrThrottled: 1,
    });
  });

  it('reads v1 cpu.stat throttling counters', () => {
    const text = 'nr_periods 20\nnr_throttled 20\nthrottled_time 982100436\nnr_bursts 0\nburst_time 0\n';
    expect(parseCpuStat(text, 'v1')).toEqual({ nrPeriods: 20, nrThrottled: 20 });
  });

  it.each([
    ['an empty file', ''],
    ['a torn line', 'usage_usec 30\nuser_u'],
    ['a truncated file missing nr_throttled', 'usage_usec 3000000\nnr_periods 12\n'],
    ['a non-numeric value', 'usage_usec abc\n'],
    ['binary garbage', '\u0000\u00ff\u00fe'],
    ['two values on a line', 'usage_usec 30 40\n'],
    ['a key without a value', 'usage_usec\n'],
  ])('rejects %s as garbage', (_name, text) => {
    expect(() => parseCpuStat(text, 'v2')).toThrow(CgroupParseError);
  });

  it('reads the inactive file pages of either memory.stat', () => {
    expect(parseMemoryStat('anon 10\nfile 5\ninactive_file 4\n', 'v2')).toEqual({ inactiveFileBytes: 4 });
    expect(parseMemoryStat('inactive_file 1\ntotal_inactive_file 9\n', 'v1')).toEqual({
      inactiveFileBytes: 9,
    });
    expect(() => parseMemoryStat('inactive_file 1\n', 'v1')).toThrow(/total_inactive_file/);
  });

  it.each([
    ['a non-numeric value on a line not read', 'anon 1x\ninactive_file 4\n'],
    ['a number with a trailing dot', 'anon 1.\ninactive_file 4\n'],
    ['a torn line after the one read', 'inactive_file 4\nfile_ma'],
    ['two values on a line not read', 'anon 1 2\ninactive_file 4\n'],
  ])('rejects memory.stat with %s, though only inactive_file is taken', (_name, text) => {
    expect(() => parseMemoryStat(text, 'v2')).toThrow(CgroupParseError);
  });

  it('reads negative and fractional values on lines it does not take', () => {
    expect(parseMemoryStat('anon -1\nfile 0.5\ninactive_file 4\n', 'v2')).toEqual({ inactiveFileBytes: 4 });
  });

  it('computes the working set as usage minus inactive file, never negative', () => {
    expect(workingSetBytes(200, 50)).toBe(150);
    expect(workingSetBytes(50, 200)).toBe(0);
  });

  it('reads single-value files and rejects empty ones', () => {
    expect(parseSingleValue('1019091666\n', 'cpuacct.usage')).toBe(1019091666);
    expect(() => parseSingleValue('\n', 'memory.current')).toThrow(/empty/);
  });

  it('reads PSI some and full lines', () => {
    const text =
      'some avg10=7.97 avg60=1.43 avg300=0.30 total=985125\nfull avg10=6.00 avg60=1.00 avg300=0.25 total=982588\n';
    expect(parsePressure(text)).toEqual({
      some: { avg10: 7.97, avg60: 1.43, avg300: 0.3, totalUsec: 985125 },
      full: { avg10: 6, avg60: 1, avg300: 0.25, totalUsec: 982588 },
    });
    expect(() => parsePressure('some avg10=1.0 avg60\n')).toThrow(CgroupParseError);
  });
});
