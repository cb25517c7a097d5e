import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitOf, TEST_WINDOWS, TRACE_SPLITS, TRAINING_WINDOWS } from '../../../../bench/quality/split.ts';
import {
  checkTraceWindowFiles,
  parseTraceWindows,
  TraceWindowsError,
} from '../../../../bench/quality/trace-windows.ts';

const window = { file: 'rps.csv', startSeconds: 0, lengthSeconds: 7200, compression: 2, meanRps: 40 };

describe('--trace-windows files', () => {
  it('resolves relative files against the JSON file folder and keeps shipped short names', () => {
    const doc = JSON.stringify({ shop: { frontend: window, backend: { ...window, file: 'nasa' } } });
    const parsed = parseTraceWindows(doc, 'w.json', '/data');
    expect(parsed['shop']!.frontend).toEqual({ ...window, file: '/data/rps.csv' });
    expect(parsed['shop']!.backend.file).toBe('nasa');
  });

  it.each([
    ['not json', /w.json: not JSON/],
    ['[]', /expected an object of workloads/],
    ['{}', /no workloads/],
    [JSON.stringify({ Shop: { frontend: window, backend: window } }), /workload name "Shop"/],
    [JSON.stringify({ shop: { frontend: window } }), /shop.backend is missing/],
    [JSON.stringify({ shop: { frontend: window, backend: window, db: window } }), /unknown service "db"/],
    [JSON.stringify({ shop: { frontend: window, backend: { ...window, rate: 1 } } }), /unknown field "rate"/],
    [
      JSON.stringify({ shop: { frontend: { ...window, file: '' }, backend: window } }),
      /frontend.file must be/,
    ],
    [
      JSON.stringify({ shop: { frontend: window, backend: { ...window, startSeconds: -1 } } }),
      /backend.startSeconds must be a non-negative integer/,
    ],
    [
      JSON.stringify({ shop: { frontend: { ...window, compression: 0 }, backend: window } }),
      /compression must be a positive number/,
    ],
    [
      JSON.stringify({ shop: { frontend: { ...window, meanRps: '5' }, backend: window } }),
      /meanRps must be a positive number.*got "5"/,
    ],
    [
      JSON.stringify({ shop: { frontend: { ...window, lengthSeconds: 100 }, backend: window } }),
      /give at least 60/,
    ],
  ])('refuses %s with a message naming the field', (text, message) => {
    expect(() => parseTraceWindows(text, 'w.json', '/data')).toThrow(TraceWindowsError);
    expect(() => parseTraceWindows(text, 'w.json', '/data')).toThrow(message);
  });

  it('checks that each window lies inside its file and carries traffic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kosmos-windows-'));
    writeFileSync(join(dir, 'rps.csv'), `rps\n${Array.from({ length: 200 }, (_, i) => i % 7).join('\n')}\n`);
    writeFileSync(join(dir, 'idle.txt'), `${'0\n'.repeat(200)}`);
    const at = (file: string, lengthSeconds: number) => ({
      ...window,
      file: join(dir, file),
      lengthSeconds,
      compression: 1,
    });
    await expect(
      checkTraceWindowFiles({ ok: { frontend: at('rps.csv', 200), backend: at('rps.csv', 120) } }),
    ).resolves.toBeUndefined();
    await expect(
      checkTraceWindowFiles({ long: { frontend: at('rps.csv', 201), backend: at('rps.csv', 120) } }),
    ).rejects.toThrow(/long.frontend: window \[0, 201\) s is past the end .* \(200 s\)/);
    await expect(
      checkTraceWindowFiles({ idle: { frontend: at('rps.csv', 100), backend: at('idle.txt', 100) } }),
    ).rejects.toThrow(/idle.backend: the window has no requests/);
  });
});

describe('train/test split of the shipped traces', () => {
  it('puts every built-in training window on training days and every test window on test days', () => {
    for (const w of Object.values(TRAINING_WINDOWS)) {
      expect([splitOf(w.frontend), splitOf(w.backend)]).toEqual(['training', 'training']);
    }
    for (const w of Object.values(TEST_WINDOWS)) {
      expect([splitOf(w.frontend), splitOf(w.backend)]).toEqual(['test', 'test']);
    }
  });

  it('has weekday and weekend test workloads on both traces, and days that do not overlap', () => {
    for (const trace of ['nasa', 'twitter'] as const) {
      const s = TRACE_SPLITS[trace];
      expect(s.trainingDays.to).toBeLessThan(s.testDays.from);
      expect(s.testDays.to).toBe(s.days - 1);
      const days = (name: string) => {
        const w = TEST_WINDOWS[`${trace}-${name}`]!;
        return [w.frontend.startSeconds / 86400, w.backend.startSeconds / 86400];
      };
      for (const d of days('weekend')) expect(s.weekendDays).toContain(d);
      for (const d of days('weekday')) expect(s.weekendDays).not.toContain(d);
    }
  });

  it('calls a window that straddles the split mixed, and a user file other', () => {
    expect(splitOf({ ...window, file: 'nasa', startSeconds: 13 * 86400, lengthSeconds: 2 * 86400 })).toBe(
      'mixed',
    );
    expect(splitOf(window)).toBe('other');
  });
});
