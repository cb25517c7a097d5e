import { describe, expect, it } from 'vitest';
import { type BenchResult, metric, metricValue, renderResult } from '../../../../bench/speed/report.ts';

const result: BenchResult = {
  name: 'agent-tick',
  title: 'agent per-tick work',
  params: { pods: 110, ticks: 50 },
  metrics: [
    metric('tick wall p50', 12.5, 'ms'),
    metric('1 s period sustainable', true, 'bool', 'needs < 1000 ms'),
  ],
  notes: ['in-memory pod source'],
  wallSeconds: 3.21,
};

describe('renderResult', () => {
  const text = renderResult(result);

  it('heads the table with the name, title, wall time and params', () => {
    expect(text.split('\n')[0]).toBe('agent-tick — agent per-tick work (3.2 s)');
    expect(text).toContain('pods=110 ticks=50');
  });

  it('prints every metric with its formatted value and note', () => {
    expect(text).toMatch(/tick wall p50\s*│\s*12\.5 ms/);
    expect(text).toMatch(/1 s period sustainable\s*│\s*yes\s*│\s*needs < 1000 ms/);
  });

  it('ends with the notes', () => {
    expect(text.trimEnd().endsWith('note: in-memory pod source')).toBe(true);
  });
});

describe('metric', () => {
  it('omits an absent note so the JSON stays minimal', () => {
    expect(metric('x', 1, 'ms')).toEqual({ name: 'x', value: 1, unit: 'ms' });
    expect(metric('x', 1, 'ms', 'why')).toEqual({ name: 'x', value: 1, unit: 'ms', note: 'why' });
  });

  it('looks a value up by name', () => {
    expect(metricValue(result, 'tick wall p50')).toBe(12.5);
    expect(metricValue(result, 'missing')).toBeUndefined();
  });
});
