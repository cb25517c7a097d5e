import { describe, expect, it } from 'vitest';
import {
  HEADLINE_NAMES,
  headlineOf,
  performanceTable,
  replaceTable,
  TABLE_BEGIN,
  TABLE_END,
} from '../../../../bench/speed/headline.ts';
import { type BenchResult, metric, type SpeedDocument } from '../../../../bench/speed/report.ts';

const result = (name: string, referenceLoopMs: number, metrics: BenchResult['metrics']): BenchResult => ({
  name,
  title: name,
  params: {},
  metrics,
  notes: [],
  wallSeconds: 1,
  referenceLoopMs,
});

const run = (cpu: number, loopMs: number): SpeedDocument => ({
  benchmark: 'speed',
  startedAt: '2026-12-04T19:00:00.000Z',
  command: 'npm run bench --',
  host: { node: 'v24', cpus: 2, cpuModel: 'x', totalMemoryBytes: 1, platform: 'linux' },
  quick: false,
  results: [],
  headline: headlineOf([
    result('resize-latency', loopMs, [
      metric('agent cpu % of one core', cpu, '%'),
      metric('agent process RSS mean', 200, 'MiB'),
    ]),
  ]),
});

describe('headlineOf', () => {
  it('keeps only the fixed names, each with its benchmark and that benchmark’s reference loop', () => {
    expect(run(12.5, 640).headline).toEqual({
      'agent cpu % of one core': {
        value: 12.5,
        unit: '%',
        benchmark: 'resize-latency',
        referenceLoopMs: 640,
      },
    });
  });
});

describe('performanceTable', () => {
  it('gives a row per fixed name with the range over runs and their reference loops', () => {
    const table = performanceTable([run(12.5, 640), run(20, 900)]);
    const rows = table.split('\n');
    expect(rows).toHaveLength(2 + HEADLINE_NAMES.length);
    const cpu = rows.find((r) => r.includes('`agent cpu % of one core`'));
    expect(cpu).toContain('12.5–20.0 % (2 runs)');
    expect(cpu).toContain('640–900 ms');
    expect(rows.find((r) => r.includes('`hub reports per s`'))).toContain('not measured (0 runs)');
  });

  it('gives one figure when the runs read the same once rounded', () => {
    const cpu = performanceTable([run(3.031, 640), run(3.034, 900)])
      .split('\n')
      .find((r) => r.includes('`agent cpu % of one core`'));
    expect(cpu).toContain('| 3.03 % (2 runs) |');
  });
});

describe('replaceTable', () => {
  it('replaces what lies between the markers and keeps the rest', () => {
    const readme = `before\n${TABLE_BEGIN}\nold\n${TABLE_END}\nafter`;
    expect(replaceTable(readme, 'new')).toBe(`before\n${TABLE_BEGIN}\nnew\n${TABLE_END}\nafter`);
  });

  it('says which markers to add when they are missing', () => {
    expect(() => replaceTable('no markers', 'x')).toThrow(/add both markers/);
  });
});
