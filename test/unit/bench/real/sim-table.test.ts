// docs/benchmark.md's testbed-vs-simulator table from sim.json and real.json.
import { describe, expect, it } from 'vitest';
import { comparisonTable, replaceTable, withRealSide } from '../../../../bench/real/sim-table.ts';

const row = {
  workload: 'step',
  contender: 'kosmos',
  sim: { violationPct: 50, p50Ms: 47, p99Ms: 1730, coreSecondsAllocated: 28.5, resizes: 3 },
  simCalibrated: { violationPct: 50, p50Ms: 56 },
  real: { violationPct: 0, p50Ms: 30 },
};
const realResult = {
  workload: 'step',
  contender: 'kosmos',
  clientViolationPct: 50,
  clientP50Ms: 21,
  clientP99Ms: 343,
  coreSecondsAllocated: 37.5,
  coreSecondsUsed: 23.3,
  resizes: 6,
  replicaChanges: 1,
};

describe('sim-table', () => {
  it('takes the testbed side from real.json, the simulator’s from sim.json', () => {
    const table = comparisonTable(withRealSide([row], [realResult]));
    expect(table.split('\n')[2]).toBe(
      '| step | kosmos | 50 / 50 / 50 | 47 / 56 / 21 | 1730 / - / 343 | 28.5 / - / 37.5 | - / - / 23.3 | 3 / - / 6 | - / - / 1 |',
    );
    // a row real.json lacks keeps sim.json's copy
    expect(comparisonTable(withRealSide([row], [])).split('\n')[2]).toContain('| 50 / 50 / 0 |');
  });

  it('replaces the table with the same header in a markdown file, and only it', () => {
    const table = comparisonTable([row]);
    const [header, rule] = table.split('\n');
    const doc = ['# R', '', header, rule, '| old | row |', '', 'after', '| other | table |'].join('\n');
    const updated = replaceTable(doc, table)!;
    expect(updated).toBe(['# R', '', table, '', 'after', '| other | table |'].join('\n'));
    expect(replaceTable('no table here', table)).toBeUndefined();
  });
});
