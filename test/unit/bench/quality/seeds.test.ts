import { describe, expect, it } from 'vitest';
import { type SeedFigures, seedRows, seedsMarkdown } from '../../../../bench/quality/seeds.ts';

const run = (workload: string, contender: string, seed: number, viol: number, opt: number): SeedFigures => ({
  workload,
  seed,
  figures: { contender, sloViolationPct: viol, vsBound: opt },
});

describe('bench:quality across seeds', () => {
  const runs = [
    run('nasa', 'hpa', 42, 4, 2.3),
    run('nasa', 'kosmos', 42, 2, 2.0),
    run('nasa', 'kosmos', 1, 1, 2.2),
    run('nasa', 'hpa', 1, 5, 2.4),
    run('step', 'kosmos', 42, 0.5, 1.5),
    run('nasa', 'kosmos', 2, 3, Number.POSITIVE_INFINITY),
  ];

  it('summarises each workload and contender as mean, min and max over its seeds, in the given order', () => {
    const rows = seedRows(runs, ['kosmos', 'hpa']);
    expect(rows.map((r) => [r.workload, r.contender, r.seeds])).toEqual([
      ['nasa', 'kosmos', [42, 1, 2]],
      ['nasa', 'hpa', [42, 1]],
      ['step', 'kosmos', [42]],
    ]);
    expect(rows[0]!.violationPct).toEqual({ mean: 2, min: 1, max: 3 });
    // The infinite × optimum (a zero bound) is left out of the spread, not averaged in.
    expect(rows[0]!.vsBound.mean).toBeCloseTo(2.1, 9);
    expect(rows[0]!.vsBound).toMatchObject({ min: 2.0, max: 2.2 });
  });

  it('prints one table per workload with mean (min–max)', () => {
    const md = seedsMarkdown(seedRows(runs, ['kosmos', 'hpa']));
    expect(md).toContain('##### nasa');
    expect(md).toContain('| kosmos | 3 | 2.0 (1.0–3.0) | 2.10 (2.00–2.20) |');
    expect(md).toContain('| hpa | 2 | 4.5 (4.0–5.0) | 2.35 (2.30–2.40) |');
    expect(md.indexOf('##### nasa')).toBeLessThan(md.indexOf('##### step'));
  });
});
