import { describe, expect, it } from 'vitest';
import { fullGc, recordGcPauses } from '../../../../bench/speed/gc.ts';

describe('recordGcPauses', () => {
  it('sums the collector pauses that started inside the given windows only', async () => {
    const pauses = recordGcPauses();
    const start = performance.now();
    fullGc();
    const end = performance.now();
    await pauses.stop();
    expect(pauses.within([[start, end]])).toBeGreaterThan(0);
    expect(pauses.within([[end + 60_000, end + 120_000]])).toBe(0);
    expect(pauses.within([])).toBe(0);
  });
});
