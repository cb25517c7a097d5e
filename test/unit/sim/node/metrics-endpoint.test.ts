import { afterEach, describe, expect, it } from 'vitest';
import { createResponseTimeTracker } from '../../../../agent/src/metrics/response-time-tracker.ts';
import { createSnapshotScraper, type ScrapeTarget } from '../../../../agent/src/metrics/scraper.ts';
import { silentLogger } from '../../../../lib/log.ts';
import {
  countsFromCdf,
  createMetricsEndpoints,
  loopbackAddress,
  type MetricsEndpoints,
  REQUEST_DURATION_BUCKETS_SECONDS,
  REQUEST_DURATION_METRIC,
} from '../../../../sim/node/metrics-endpoint.ts';

const open: MetricsEndpoints[] = [];
function endpoints(): MetricsEndpoints {
  const created = createMetricsEndpoints();
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

const scraper = createSnapshotScraper({ logger: silentLogger() });
const targetFor = (key: string, ip: string, port: number): ScrapeTarget => ({
  key,
  podIp: ip,
  source: { port, metric: REQUEST_DURATION_METRIC },
});

describe('simulated pod metrics endpoints', () => {
  it('serves each pod its own histogram on a dynamic loopback port that the agent scraper reads', async () => {
    const sim = endpoints();
    const a = await sim.addPod('pod-a');
    const b = await sim.addPod('pod-b');
    expect(a.ip).toBe('127.0.0.1');
    expect(sim.portFor('pod-a')).toBe(a.port);
    expect(a.port).not.toBe(b.port);
    sim.observe('pod-a', [0.004, 0.02, 0.02, 0.3]);
    sim.observe('pod-b', [11]);
    const results = await scraper.scrapeAll([targetFor('a', a.ip, a.port), targetFor('b', b.ip, b.port)]);
    expect(results.get('a')).toMatchObject({ ok: true, snapshot: { kind: 'histogram', count: 4 } });
    const snapshotA = results.get('a');
    if (!snapshotA?.ok || snapshotA.snapshot.kind !== 'histogram') throw new Error('expected a histogram');
    expect(snapshotA.snapshot.sum).toBeCloseTo(0.344, 10);
    expect(snapshotA.snapshot.buckets.slice(0, 3)).toEqual([
      { le: 0.005, count: 1 },
      { le: 0.01, count: 1 },
      { le: 0.025, count: 3 },
    ]);
    expect(results.get('b')).toMatchObject({ ok: true, snapshot: { count: 1, buckets: expect.any(Array) } });
  });

  it('gives pods their own loopback IP on a shared port, like pod IPs with one container port', async () => {
    const sim = endpoints();
    const first = await sim.addPod('p1', { ip: loopbackAddress(0) });
    const second = await sim.addPod('p2', { ip: loopbackAddress(1), port: first.port });
    expect([first.ip, second.ip]).toEqual(['127.42.0.1', '127.42.0.2']);
    expect(second.port).toBe(first.port);
    sim.observe('p2', [0.1, 0.1]);
    expect(await scraper.scrape(targetFor('p2', second.ip, second.port))).toMatchObject({
      ok: true,
      snapshot: { count: 2 },
    });
    expect(await scraper.scrape(targetFor('p1', first.ip, first.port))).toMatchObject({
      ok: true,
      snapshot: { count: 0 },
    });
  });

  it('takes a batch as a CDF and reproduces its percentiles in the scraped window', async () => {
    const sim = endpoints();
    const pod = await sim.addPod('p');
    const tracker = createResponseTimeTracker();
    tracker.update('p', await scraper.scrape(targetFor('p', pod.ip, pod.port)), 0);
    const meanSeconds = 0.1; // exponential sojourn time, e.g. an M/M/1 queue
    sim.observe('p', {
      count: 10_000,
      sumSeconds: 10_000 * meanSeconds,
      cdf: (t) => 1 - Math.exp(-t / meanSeconds),
    });
    const window = tracker.update('p', await scraper.scrape(targetFor('p', pod.ip, pod.port)), 1000);
    expect(window).toMatchObject({ valid: true, requestCount: 10_000 });
    expect(window.meanSeconds).toBeCloseTo(0.1, 10);
    expect(window.p50Seconds).toBeCloseTo(meanSeconds * Math.LN2, 2);
    expect(window.p95Seconds).toBeCloseTo(meanSeconds * -Math.log(0.05), 1);
  });

  it('takes a batch as per-bucket counts and rejects counts that do not add up', async () => {
    const sim = endpoints();
    const pod = await sim.addPod('p');
    const bucketCounts = REQUEST_DURATION_BUCKETS_SECONDS.map(() => 0);
    bucketCounts[5] = 7;
    sim.observe('p', { count: 8, sumSeconds: 1, bucketCounts: [...bucketCounts, 1] });
    const result = await scraper.scrape(targetFor('p', pod.ip, pod.port));
    expect(result).toMatchObject({ ok: true, snapshot: { count: 8, sum: 1 } });
    expect(() => sim.observe('p', { count: 9, sumSeconds: 1, bucketCounts: [...bucketCounts, 1] })).toThrow(
      /adding up/,
    );
    expect(() => sim.observe('nobody', [1])).toThrow(/addPod/);
  });

  it('rounds CDF bucket counts so they add up to the batch count', () => {
    const counts = countsFromCdf((t) => Math.min(1, t / 0.33), 1001);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(counts.every((n) => n >= 0)).toBe(true);
  });

  it('stops serving a removed pod', async () => {
    const sim = endpoints();
    const pod = await sim.addPod('p');
    await sim.removePod('p');
    expect(sim.portFor('p')).toBeUndefined();
    expect(await scraper.scrape(targetFor('p', pod.ip, pod.port))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});
