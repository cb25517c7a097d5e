import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compress,
  loadRealTrace,
  readCounts,
  rescale,
  resolveTracePath,
  TraceError,
  tracesDir,
} from '../../../../sim/traces/real-trace.ts';
import { sampledTrace, syntheticTrace } from '../../../../sim/traces/trace.ts';

function gzTrace(values: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kosmos-trace-'));
  const path = join(dir, 'small.rps.gz');
  writeFileSync(path, gzipSync(`${values.join('\n')}\n`));
  return path;
}

describe('synthetic traces', () => {
  it.each([
    [{ kind: 'steady', rps: 12 } as const, [0, 500], [12, 12]],
    [{ kind: 'step', fromRps: 10, toRps: 40, atSeconds: 60 } as const, [59, 60], [10, 40]],
    [
      { kind: 'ramp', fromRps: 0, toRps: 100, startSeconds: 10, endSeconds: 110 } as const,
      [0, 60, 200],
      [0, 50, 100],
    ],
    [{ kind: 'sine', meanRps: 50, amplitudeRps: 20, periodSeconds: 100 } as const, [0, 25, 75], [50, 70, 30]],
  ])('shape %j gives the expected rates', (spec, times, rates) => {
    const trace = syntheticTrace(spec);
    times.forEach((t, i) => {
      expect(trace.rateAt(t)).toBeCloseTo(rates[i]!, 9);
    });
  });

  it('flash crowd rises linearly, holds the peak, then decays back toward the base', () => {
    const trace = syntheticTrace({
      kind: 'flash-crowd',
      baseRps: 10,
      peakRps: 110,
      atSeconds: 100,
      riseSeconds: 10,
      holdSeconds: 30,
      decaySeconds: 20,
    });
    expect(trace.rateAt(99)).toBe(10);
    expect(trace.rateAt(105)).toBeCloseTo(60, 9);
    expect(trace.rateAt(130)).toBe(110);
    expect(trace.rateAt(160)).toBeCloseTo(10 + 100 * Math.exp(-1), 9);
    expect(trace.rateAt(1000)).toBeLessThan(10.001);
    expect(trace.peakRps).toBe(110);
  });

  it('a sampled trace wraps around past its end', () => {
    const trace = sampledTrace('t', Float64Array.from([1, 2, 3]));
    expect([trace.rateAt(0), trace.rateAt(2.5), trace.rateAt(3), trace.rateAt(7)]).toEqual([1, 3, 1, 2]);
  });
});

describe('real trace loading', () => {
  const savedEnv = process.env['KOSMOS_TRACES_DIR'];
  afterEach(() => {
    if (savedEnv === undefined) delete process.env['KOSMOS_TRACES_DIR'];
    else process.env['KOSMOS_TRACES_DIR'] = savedEnv;
  });

  it('parses one count per line and stops at the window end', async () => {
    const path = gzTrace([3, 0, 7, 12, 5, 1]);
    expect(Array.from(await readCounts(path, 4))).toEqual([3, 0, 7, 12]);
    expect(Array.from(await readCounts(path))).toEqual([3, 0, 7, 12, 5, 1]);
  });

  it('compresses k real seconds into one simulated second by summing or averaging', () => {
    const counts = Uint32Array.from([1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(compress(counts, 2, 'sum'))).toEqual([3, 7, 11]);
    expect(Array.from(compress(counts, 2, 'mean'))).toEqual([1.5, 3.5, 5.5]);
    // k = 1.5: partial real seconds are prorated ([0, 1.5) = 1 + 2/2, [1.5, 3) = 2/2 + 3, ...)
    expect(Array.from(compress(counts, 1.5, 'sum'))).toEqual([2, 4, 6.5, 8.5]);
  });

  it('rescales to a target peak, mean or factor', () => {
    expect(Array.from(rescale(Float64Array.from([1, 2, 4]), { peakRps: 100 }))).toEqual([25, 50, 100]);
    expect(Array.from(rescale(Float64Array.from([1, 3]), { meanRps: 10 }))).toEqual([5, 15]);
    expect(Array.from(rescale(Float64Array.from([1, 3]), { factor: 0.5 }))).toEqual([0.5, 1.5]);
  });

  it('applies window, compression and rescale to a file', async () => {
    const path = gzTrace([9, 9, 1, 2, 3, 4, 5, 6, 9]);
    const trace = await loadRealTrace(path, {
      startSeconds: 2,
      lengthSeconds: 6,
      compression: 2,
      aggregate: 'sum',
      rescale: { factor: 10 },
    });
    expect(trace.durationSeconds).toBe(3);
    expect([0, 1, 2].map((t) => trace.rateAt(t))).toEqual([30, 70, 110]);
    expect(trace.label).toContain('compression 2 (sum)');
  });

  it('resolves short names in KOSMOS_TRACES_DIR and names a missing file in its error', async () => {
    process.env['KOSMOS_TRACES_DIR'] = '/nonexistent/traces';
    expect(tracesDir()).toBe('/nonexistent/traces');
    expect(resolveTracePath('nasa')).toBe('/nonexistent/traces/nasa-http-1995.rps.gz');
    await expect(loadRealTrace('nasa')).rejects.toThrow(TraceError);
    await expect(loadRealTrace('nasa')).rejects.toThrow(/nasa-http-1995\.rps\.gz does not exist/);
  });

  it('reads the shared NASA trace in full (28 days, peak 20 rps)', async () => {
    const counts = await readCounts(resolveTracePath('nasa'));
    expect(counts.length).toBe(2_419_200);
    expect(Math.max(...counts.subarray(0, 100_000))).toBeLessThanOrEqual(20);
    const day = await loadRealTrace('nasa', {
      startSeconds: 86_400,
      lengthSeconds: 86_400,
      compression: 480,
    });
    expect(day.durationSeconds).toBe(180);
  });
});
