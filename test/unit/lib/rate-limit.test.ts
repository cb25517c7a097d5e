import { describe, expect, it } from 'vitest';
import { sleepMs, TokenBucket } from '../../../lib/rate-limit.ts';

function fakeClock() {
  const clock = { ms: 0, slept: [] as number[] };
  const now = () => clock.ms;
  const sleep = async (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) throw signal.reason;
    clock.slept.push(ms);
    clock.ms += ms;
  };
  return { clock, now, sleep };
}

describe('TokenBucket', () => {
  it('grants a burst at once, then refuses until tokens refill at qps', () => {
    const { clock, now } = fakeClock();
    const bucket = new TokenBucket({ qps: 2, burst: 3, now });
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    clock.ms += 499;
    expect(bucket.tryTake()).toBe(false);
    clock.ms += 1;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than burst tokens after a long quiet period', () => {
    const { clock, now } = fakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 2, now });
    clock.ms += 60_000;
    expect(bucket.available()).toBe(2);
  });

  it('take() waits for each reserved token in turn', async () => {
    const { clock, now, sleep } = fakeClock();
    const bucket = new TokenBucket({ qps: 4, burst: 1, now, sleep });
    await bucket.take();
    expect(clock.slept).toEqual([]);
    await bucket.take();
    await bucket.take();
    expect(clock.slept).toEqual([250, 250]);
    expect(clock.ms).toBe(500);
  });

  it('concurrent take() calls queue behind each other', async () => {
    const { clock, now } = fakeClock();
    const waits: number[] = [];
    const bucket = new TokenBucket({ qps: 10, burst: 1, now, sleep: async (ms) => void waits.push(ms) });
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    expect(waits).toEqual([100, 200]);
    expect(clock.ms).toBe(0);
  });

  it('an aborted take() rejects and gives its reservation back', async () => {
    const { now } = fakeClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1, now, sleep: sleepMs });
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    expect(bucket.available()).toBe(0);
    await expect(bucket.take(controller.signal)).rejects.toThrow('stopping');
  });

  it('is unlimited with qps Infinity and rejects nonsense settings', async () => {
    const bucket = new TokenBucket({ qps: Number.POSITIVE_INFINITY, burst: 1 });
    for (let i = 0; i < 100; i++) expect(bucket.tryTake()).toBe(true);
    await bucket.take();
    expect(() => new TokenBucket({ qps: 0, burst: 1 })).toThrow(/qps must be > 0/);
    expect(() => new TokenBucket({ qps: 1, burst: 0 })).toThrow(/burst must be an integer >= 1/);
  });
});
