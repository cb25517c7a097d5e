// docs/benchmark.md's testbed-vs-simulator table from sim.json and real.json.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { replaceBlock } from '../../../../bench/readme-block.ts';
import {
  comparisonTable,
  SIM_TABLE_BLOCK,
  SIM_TABLE_COMMAND,
  withRealSide,
} from '../../../../bench/real/sim-table.ts';
import { REAL_TABLE_BLOCK, REAL_TABLE_COMMAND } from '../../../../bench/real/table.ts';

const root = new URL('../../../../', import.meta.url).pathname;

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

  it('finds its generated block in docs/benchmark.md, and the real-process table its block in the README', () => {
    const table = comparisonTable([row]);
    const doc = readFileSync(`${root}docs/benchmark.md`, 'utf8');
    const updated = replaceBlock(doc, SIM_TABLE_BLOCK, table, SIM_TABLE_COMMAND);
    expect(updated).toContain(`${table}\n<!-- end ${SIM_TABLE_BLOCK} -->`);
    // only the block changed: the text before and after it is the same
    const at = doc.indexOf(`<!-- end ${SIM_TABLE_BLOCK} -->`);
    expect(updated.endsWith(doc.slice(at))).toBe(true);
    const readme = readFileSync(`${root}README.md`, 'utf8');
    expect(() => replaceBlock(readme, REAL_TABLE_BLOCK, 'x', REAL_TABLE_COMMAND)).not.toThrow();
  });
});
