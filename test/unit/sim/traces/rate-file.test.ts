import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseRates, RateFileError, readRateFile } from '../../../../sim/traces/rate-file.ts';
import { loadRealTrace } from '../../../../sim/traces/real-trace.ts';

describe('per-second rate files', () => {
  it('reads one non-negative integer per line, skipping blank lines and CRLF', () => {
    expect(Array.from(parseRates('3\r\n0\n\n7\n', 'f'))).toEqual([3, 0, 7]);
  });

  it('reads the rps column of a CSV wherever it is, quoted header or not', () => {
    expect(Array.from(parseRates('time,"RPS",host\n0,4,a\n1,2.5,b\n', 'f'))).toEqual([4, 2.5]);
    expect(Array.from(parseRates('rps;x\n1;9\n', 'f'))).toEqual([1]);
  });

  it.each([
    ['', /empty/],
    ['time,count\n0,1\n', /without an "rps" column \(columns: time, count\)/],
    ['1\n-2\n', /line 2: "-2" is not a non-negative integer/],
    ['1\n2.5\n', /line 2: "2.5" is not a non-negative integer/],
    ['rps\n1\nabc\n', /line 3: "rps" value "abc" is not a non-negative number/],
    ['t,rps\n0,\n', /line 2: "rps" value "" is not/],
    ['rps\n', /no rates after the header/],
  ])('refuses %j, saying which line and why', (text, message) => {
    expect(() => parseRates(text, 'my.csv')).toThrow(RateFileError);
    expect(() => parseRates(text, 'my.csv')).toThrow(message);
  });

  it('reads gzipped and plain files alike, and loads a window of them as a trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kosmos-rates-'));
    const gz = join(dir, 'rates.csv.gz');
    const plain = join(dir, 'rates.txt');
    writeFileSync(gz, gzipSync('t,rps\n0,2\n1,4\n2,6\n3,8\n'));
    writeFileSync(plain, '2\n4\n6\n8\n');
    expect(Array.from(readRateFile(gz))).toEqual([2, 4, 6, 8]);
    expect(Array.from(readRateFile(plain))).toEqual([2, 4, 6, 8]);
    const trace = await loadRealTrace(gz, { startSeconds: 2, lengthSeconds: 2, compression: 1 });
    expect([trace.rateAt(0), trace.rateAt(1)]).toEqual([6, 8]);
    expect(() => readRateFile(join(dir, 'missing.txt'))).toThrow(/does not exist/);
  });
});
