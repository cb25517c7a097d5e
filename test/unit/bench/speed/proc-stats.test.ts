import { describe, expect, it } from 'vitest';
import { cpuTicksOfStat, rssBytesOfStatus } from '../../../../bench/speed/proc-stats.ts';

describe('cpuTicksOfStat', () => {
  it('adds utime and stime (fields 14 and 15)', () => {
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 5000 0 0 0 731 42 0 0 20 0 11 0 1234 1000000 20000';
    expect(cpuTicksOfStat(stat)).toBe(773);
  });

  it('is not confused by spaces and parentheses in the command name', () => {
    const stat = '7 (my (odd) cmd) R 1 7 7 0 -1 0 0 0 0 0 10 5 0 0 20 0 1 0 1 1 1';
    expect(cpuTicksOfStat(stat)).toBe(15);
  });
});

describe('rssBytesOfStatus', () => {
  it('reads VmRSS in kB as bytes', () => {
    expect(rssBytesOfStatus('Name:\tnode\nVmPeak:\t 900 kB\nVmRSS:\t  312000 kB\nThreads: 11\n')).toBe(
      312000 * 1024,
    );
  });

  it('is NaN when the process has no VmRSS line (a kernel thread)', () => {
    expect(rssBytesOfStatus('Name:\tkthreadd\n')).toBeNaN();
  });
});
