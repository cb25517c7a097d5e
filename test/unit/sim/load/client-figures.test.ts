// Client-side figures from per-request records: windows by scheduled send time, the SLA statistic of
// each window, errors counted as infinitely slow (a window with more than 1 % failed violates).
import { describe, expect, it } from 'vitest';
import { clientFigures, quantile, statisticMs } from '../../../../sim/load/client-figures.ts';
import type { RequestRecord } from '../../../../sim/load/open-loop.ts';

const ok = (atSeconds: number, latencyMs: number): RequestRecord => ({
  atSeconds,
  latencyMs,
  status: 200,
  ok: true,
});
const failed = (atSeconds: number): RequestRecord => ({
  atSeconds,
  latencyMs: Number.NaN,
  status: 0,
  ok: false,
});

describe('client figures', () => {
  it.each([
    [[10, 20, 30, 40], 0.5, 20],
    [[10, 20, 30, 40], 0.95, 40],
    [[5], 0.99, 5],
    [[], 0.5, Number.NaN],
  ])('quantile(%j, %d) = %d (nearest rank)', (values, q, expected) => {
    expect(quantile(values, q)).toEqual(expected);
  });

  it('the mean statistic is the arithmetic mean', () => {
    expect(statisticMs([10, 30], 'mean')).toBe(20);
  });

  it('judges each 30 s window on its own requests', () => {
    const records = [
      ...Array.from({ length: 100 }, (_, i) => ok(i * 0.29, 50)), // window 0: all fast
      ...Array.from({ length: 100 }, (_, i) => ok(30 + i * 0.29, i < 90 ? 50 : 500)), // window 1: p95 slow
    ];
    const f = clientFigures(records, { sloMs: 200, statistic: 'p95', durationSeconds: 60 });
    expect(f.windows.map((w) => w.violated)).toEqual([false, true]);
    expect(f.violationPct).toBe(50);
    expect(f.requests).toBe(200);
    expect(f.p50Ms).toBe(50);
    expect(f.p99Ms).toBe(500);
  });

  it('a window with more than 1 % failed requests violates even when the rest are fast', () => {
    const records = [...Array.from({ length: 98 }, (_, i) => ok(i * 0.3, 10)), failed(10), failed(11)];
    const f = clientFigures(records, { sloMs: 200, statistic: 'p95', durationSeconds: 30 });
    expect(f.errorsPct).toBe(2);
    expect(f.windows[0]!.violated).toBe(true);
  });

  it('skips the warm-up and weighs a short last window by its length', () => {
    const records = [ok(1, 900), ok(12, 10), ok(45, 900)];
    const f = clientFigures(records, { sloMs: 100, statistic: 'p50', durationSeconds: 50, fromSeconds: 10 });
    expect(f.requests).toBe(2);
    expect(f.windows.map((w) => w.startSeconds)).toEqual([10, 40]);
    expect(f.violationPct).toBeCloseTo((100 * 10) / 40);
  });
});
