import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PassScheduler } from '../../../../hub/src/loop/pass-scheduler.ts';

/** A scheduler on fake timers whose passes take `passMs` and record when they started. */
function rig(passMs = 10) {
  const starts: number[] = [];
  const s = new PassScheduler({
    periodMs: 1000,
    minGapMs: 250,
    run: async () => {
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, passMs));
    },
    now: Date.now,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
  });
  return { s, starts };
}

describe('PassScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a pass every period, start to start', async () => {
    const { s, starts } = rig();
    s.start();
    await vi.advanceTimersByTimeAsync(3500);
    await s.stop();
    expect(starts).toEqual([1000, 2000, 3000]);
  });

  it('a kick runs a pass at once when none started within the gap, and resolves after it', async () => {
    const { s, starts } = rig();
    s.start();
    await vi.advanceTimersByTimeAsync(1400); // pass at 1000
    let answered = -1;
    void s.kick().then(() => {
      answered = Date.now();
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(starts).toEqual([1000, 1400]);
    expect(answered).toBe(1410);
    // the period restarts from the kicked pass
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts).toEqual([1000, 1400, 2400]);
    await s.stop();
  });

  it('kicks within the gap wait for it, and many kicks make one pass', async () => {
    const { s, starts } = rig();
    s.start();
    await vi.advanceTimersByTimeAsync(1100); // pass at 1000
    const done = [s.kick(), s.kick(), s.kick()];
    await vi.advanceTimersByTimeAsync(200);
    expect(starts).toEqual([1000, 1250]);
    await Promise.all(done);
    await s.stop();
  });

  it('a kick during a pass is answered by the next pass, not the running one', async () => {
    const { s, starts } = rig(100);
    s.start();
    await vi.advanceTimersByTimeAsync(1050); // pass 1000-1100 running
    let answered = -1;
    void s.kick().then(() => {
      answered = Date.now();
    });
    await vi.advanceTimersByTimeAsync(400);
    expect(starts).toEqual([1000, 1250]);
    expect(answered).toBe(1350);
    await s.stop();
  });

  it('constant kicks raise the pass rate to one per gap at most', async () => {
    const { s, starts } = rig();
    s.start();
    for (let i = 0; i < 100; i++) {
      void s.kick();
      await vi.advanceTimersByTimeAsync(20);
    }
    const stopped = s.stop(); // a pass may be running: let it end
    await vi.advanceTimersByTimeAsync(100);
    await stopped;
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(250);
    }
    expect(starts.length).toBeGreaterThanOrEqual(7);
  });

  it('stop answers waiting kicks and runs no more passes', async () => {
    const { s, starts } = rig();
    s.start();
    await vi.advanceTimersByTimeAsync(1100);
    const kicked = s.kick();
    await s.stop();
    await kicked;
    await vi.advanceTimersByTimeAsync(5000);
    expect(starts).toEqual([1000]);
  });
});
