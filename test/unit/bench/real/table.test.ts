import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../../../bench/real/table.ts';

const row = {
  workload: 'step',
  contender: 'kosmos',
  clientViolationPct: 50,
  clientP99Ms: 796.2,
  errorsPct: 0,
  coreSecondsAllocated: 37.51,
  coreSecondsUsed: 23.07,
  resizes: 9,
  replicaChanges: 1,
  apiWritesPerPodPerMinute: 31.76,
  processes: [
    { name: 'hub', cpuPercentOfCore: 1.8, maxRssMiB: 180.8 },
    { name: 'agent-node-1', cpuPercentOfCore: 2.0, maxRssMiB: 182.5 },
    { name: 'agent-node-2', cpuPercentOfCore: 1.4, maxRssMiB: 179.8 },
  ],
  loadAverageBefore: [7.52, 7.52, 5.24],
  loadAverageAfter: [11.13, 8.62, 5.83],
};

describe('markdownTable', () => {
  it('gives one line per run, the agents as a range and a contender without processes as -', () => {
    const lines = markdownTable([
      { ...row, steadyWrites: { apiWritesPerPodPerMinute: 0.5, writes: 1, podSeconds: 120 } },
      { ...row, contender: 'static', processes: [] },
      { ...row, workload: 'nasa', steadyWrites: { why: 'no steady phase: the load last changed at 59 s' } },
    ]).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe(
      '| step | kosmos | 50 % | 796 ms | 0.0 % | 37.5 / 23.1 | 9 | 1 | 31.8 · 0.50 (1 in 120 pod-s) | 1.8 % · 181 MiB | 1.4–2.0 % · 180–183 MiB | 7.5 → 11.1 |',
    );
    expect(lines[4]).toContain('| 31.8 · no steady phase |');
    expect(lines[3]).toContain('| static 2 × 300m | 50 % |');
    expect(lines[3]).toContain('| 31.8 · - |');
    expect(lines[3]).toContain('| - | - |');
  });

  it("gives repeated runs one line per workload × contender: every run's violation in run order, ranges for the rest", () => {
    const lines = markdownTable([
      { ...row, repeat: 0, steadyWrites: { apiWritesPerPodPerMinute: 0.5, writes: 1, podSeconds: 120 } },
      { ...row, contender: 'static', processes: [], repeat: 0 },
      {
        ...row,
        repeat: 1,
        clientViolationPct: 0,
        clientP99Ms: 150,
        resizes: 4,
        steadyWrites: { why: 'no steady phase' },
        processes: [{ name: 'hub', cpuPercentOfCore: 1.1, maxRssMiB: 170 }],
        loadAverageBefore: [0.3, 0, 0],
      },
      { ...row, contender: 'static', processes: [], repeat: 1, clientViolationPct: 100 },
    ]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('| runs | client SLO violation, per run |');
    expect(lines[2]).toBe(
      '| step | kosmos | 2 | 50 · 0 % | 150–796 ms | 0.0 % | 37.5 / 23.1 | 4–9 | 1 | 31.8 · 0.50 | 1.1–1.8 % · 170–181 MiB | 1.4–2.0 % · 180–183 MiB | 0.3–11.1 |',
    );
    expect(lines[3]).toContain('| static 2 × 300m | 2 | 50 · 100 % |');
    expect(lines[3]).toContain('| 31.8 · no steady phase | - | - |');
  });
});
