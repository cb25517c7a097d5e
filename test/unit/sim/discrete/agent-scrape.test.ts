import { describe, expect, it } from 'vitest';
import { PRIMING_ERROR } from '../../../../agent/src/metrics/response-time-tracker.ts';
import { AgentScrapes, NOT_SERVING } from '../../../../sim/discrete/agent-scrape.ts';
import type { Observation, PodObservation, WindowHistogram } from '../../../../sim/discrete/controller.ts';
import { DEFAULT_RT_BUCKETS_SECONDS } from '../../../../sim/model/histogram.ts';

/** A window of `count` requests spread over the buckets by `share(le)` (the fraction at or below le). */
function window(count: number, share: (le: number) => number, meanSeconds: number): WindowHistogram {
  const buckets = DEFAULT_RT_BUCKETS_SECONDS.map((le) => ({ le, count: count * share(le) }));
  buckets.push({ le: Number.POSITIVE_INFINITY, count });
  return { buckets, count, sumSeconds: count * meanSeconds };
}

function observation(
  nowSeconds: number,
  pod: { ready?: boolean; restarts?: number; rtHistogram: WindowHistogram | null },
): Observation {
  const p = {
    name: 'web-0',
    service: 'web',
    ready: pod.ready ?? true,
    restarts: pod.restarts ?? 0,
    rtHistogram: pod.rtHistogram,
  } as PodObservation;
  return {
    nowSeconds,
    windowSeconds: 1,
    stepSeconds: 1,
    services: [{ name: 'web', pods: [p] } as Observation['services'][number]],
    nodes: [],
  };
}

/** 90 % of requests under 50 ms, the rest under 250 ms. */
const fastWithTail = (le: number) => (le >= 0.25 ? 1 : le >= 0.05 ? 0.9 : 0);

describe('the agent’s scrape of simulated pods', () => {
  it('has no window for a pod not ready, primes on its first scrape, then reports scrape-to-scrape deltas', () => {
    const scrapes = new AgentScrapes(1);
    const w = window(10, fastWithTail, 0.04);
    expect(scrapes.scrape(observation(1, { ready: false, rtHistogram: null })).get('web-0')).toMatchObject({
      valid: false,
      error: NOT_SERVING,
    });
    expect(scrapes.scrape(observation(2, { rtHistogram: w })).get('web-0')).toMatchObject({
      valid: false,
      error: PRIMING_ERROR,
    });
    const third = scrapes.scrape(observation(3, { rtHistogram: w })).get('web-0')!;
    expect(third).toMatchObject({ valid: true, requestCount: 10, windowSeconds: 1 });
    expect(third.meanSeconds).toBeCloseTo(0.04, 9);
    // one request in ten above 50 ms: the p95 lies in the (0.1, 0.25] bucket, by linear interpolation
    expect(third.p95Seconds).toBeCloseTo(0.1 + 0.15 * 0.5, 9);
    expect(third.p50Seconds).toBeLessThanOrEqual(0.05);
  });

  it('counts whole requests: a fractional tail shows as often as it happens, never as a phantom', () => {
    const scrapes = new AgentScrapes(1);
    // 10.5 requests a window, 0.2 of them slow (between 0.5 and 1 s)
    const tail = window(10.5, (le) => (le >= 1 ? 1 : le >= 0.025 ? 10.3 / 10.5 : 0), 0.03);
    scrapes.scrape(observation(0, { rtHistogram: tail }));
    let requests = 0;
    let slowWindows = 0;
    for (let t = 1; t <= 100; t++) {
      const w = scrapes.scrape(observation(t, { rtHistogram: tail })).get('web-0')!;
      expect(Number.isInteger(w.requestCount)).toBe(true);
      requests += w.requestCount;
      if (w.p99Seconds > 0.5) slowWindows++;
    }
    expect(requests).toBeGreaterThanOrEqual(1049);
    expect(requests).toBeLessThanOrEqual(1050);
    expect(slowWindows).toBeGreaterThanOrEqual(19);
    expect(slowWindows).toBeLessThanOrEqual(21);
    // once the tail is gone, no window shows a slow request again
    const fast = window(10, (le) => (le >= 0.025 ? 1 : 0), 0.02);
    for (let t = 101; t <= 120; t++) {
      expect(
        scrapes.scrape(observation(t, { rtHistogram: fast })).get('web-0')!.p99Seconds,
      ).toBeLessThanOrEqual(0.025);
    }
  });

  it('sees a restart as a counter reset: the next window holds only the new process’s requests', () => {
    const scrapes = new AgentScrapes(1);
    const w = window(20, fastWithTail, 0.04);
    scrapes.scrape(observation(1, { rtHistogram: w }));
    scrapes.scrape(observation(2, { rtHistogram: w }));
    expect(
      scrapes
        .scrape(observation(3, { ready: false, restarts: 1, rtHistogram: window(7, fastWithTail, 0.04) }))
        .get('web-0')!.valid,
    ).toBe(false);
    const after = scrapes.scrape(
      observation(4, { restarts: 1, rtHistogram: window(10, fastWithTail, 0.04) }),
    );
    expect(after.get('web-0')).toMatchObject({ valid: true, requestCount: 10, windowSeconds: 2 });
  });
});
