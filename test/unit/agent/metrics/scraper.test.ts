import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsScraper } from '../../../../agent/src/metrics/metrics-scraper.ts';
import {
  createResponseTimeTracker,
  PRIMING_ERROR,
} from '../../../../agent/src/metrics/response-time-tracker.ts';
import {
  createSnapshotScraper,
  type ScrapeTarget,
  scrapeUrl,
} from '../../../../agent/src/metrics/scraper.ts';
import { silentLogger } from '../../../../lib/log.ts';

const servers: Server[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const target = (port: number, path = '/metrics'): ScrapeTarget => ({
  key: 'pod-a',
  podIp: '127.0.0.1',
  source: { port, path, metric: 'http_request_duration_seconds' },
});

describe('SnapshotScraper against real HTTP endpoints on loopback', () => {
  it('scrapes prom-client histogram output and turns two scrapes into a window', async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'request duration',
      labelNames: ['route'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    const port = await serve(async (_req, res) => {
      res.setHeader('content-type', registry.contentType);
      res.end(await registry.metrics());
    });
    const scraper = createSnapshotScraper({ logger: silentLogger() });
    const tracker = createResponseTimeTracker();
    histogram.observe({ route: '/a' }, 0.01);
    expect(tracker.update('pod-a', await scraper.scrape(target(port)), 1000)).toMatchObject({
      valid: false,
      error: PRIMING_ERROR,
    });
    for (const seconds of [0.07, 0.08, 0.09, 0.2]) histogram.observe({ route: '/a' }, seconds);
    for (const seconds of [0.3, 0.4]) histogram.observe({ route: '/b' }, seconds);
    const window = tracker.update('pod-a', await scraper.scrape(target(port)), 6000);
    expect(window).toMatchObject({ valid: true, requestCount: 6, windowSeconds: 5 });
    expect(window.meanSeconds).toBeCloseTo((0.07 + 0.08 + 0.09 + 0.2 + 0.3 + 0.4) / 6, 10);
    // 3 of 6 in (0.05, 0.1]: the median is that bucket's upper bound
    expect(window.p50Seconds).toBeCloseTo(0.1, 10);
    expect(window.p99Seconds).toBeCloseTo(0.25 + 0.25 * ((0.99 * 6 - 4) / 2), 10);
  });

  it('reports a timeout as this pod’s error', async () => {
    const port = await serve(() => {
      // never answers
    });
    const scraper = createSnapshotScraper({ logger: silentLogger(), timeoutMs: 200 });
    expect(await scraper.scrape(target(port))).toMatchObject({
      ok: false,
      error: 'timeout after 200ms',
      kind: 'timeout',
    });
  });

  it.each([
    ['an HTML error page', 200, '<html><body>oops</body></html>', /bad payload/],
    [
      'a garbled sample',
      200,
      'http_request_duration_seconds_bucket{le="0.1"} x\n',
      /bad payload.*not a number/,
    ],
    ['a server error', 500, 'boom', /HTTP 500/],
    ['a missing path', 404, 'not found', /HTTP 404/],
  ])('reports %s as this pod’s error', async (_name, status, body, error) => {
    const port = await serve((_req, res) => {
      res.statusCode = status;
      res.end(body);
    });
    const result = await createSnapshotScraper({ logger: silentLogger() }).scrape(target(port));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(error) });
  });

  it('scrapes many pods at once, one failing without affecting the others', async () => {
    const good = await serve((_req, res) => {
      res.end(
        '# TYPE http_request_duration_seconds histogram\nhttp_request_duration_seconds_bucket{le="+Inf"} 7\n',
      );
    });
    const closed = await serve(() => undefined);
    const server = servers.pop() as Server;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const results = await createSnapshotScraper({ logger: silentLogger() }).scrapeAll([
      { ...target(good), key: 'good' },
      { ...target(closed), key: 'refused' },
    ]);
    expect(results.get('good')).toMatchObject({ ok: true, snapshot: { count: 7 } });
    expect(results.get('refused')).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('keeps the last good snapshot across a failed scrape so the next window spans the gap', () => {
    const tracker = createResponseTimeTracker();
    const snapshot = (count: number) => ({
      ok: true as const,
      snapshot: {
        kind: 'histogram' as const,
        buckets: [{ le: Number.POSITIVE_INFINITY, count }],
        count,
        sum: count,
      },
    });
    tracker.update('p', snapshot(10), 0);
    expect(tracker.update('p', { ok: false, error: 'timeout after 2000ms' }, 5000)).toMatchObject({
      valid: false,
      error: 'timeout after 2000ms',
      windowSeconds: 5,
    });
    expect(tracker.update('p', snapshot(30), 10_000)).toMatchObject({
      valid: true,
      requestCount: 20,
      windowSeconds: 10,
    });
    tracker.retain([]);
    expect(tracker.update('p', snapshot(40), 15_000)).toMatchObject({ valid: false, error: PRIMING_ERROR });
  });

  it('answers one window per pod per tick through the MetricsScraper edge', async () => {
    let count = 0;
    const port = await serve((_req, res) => {
      count += 10;
      res.end(`# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} ${count}
http_request_duration_seconds_bucket{le="+Inf"} ${count}
http_request_duration_seconds_sum ${count * 0.05}
http_request_duration_seconds_count ${count}
`);
    });
    let clockMs = 0;
    const scraper = createMetricsScraper({ logger: silentLogger(), timeoutMs: 500, now: () => clockMs });
    const targets = [target(port), { ...target(6000), key: 'unreachable' }]; // 6000: a port fetch() refuses
    const first = await scraper.scrape(targets, 0);
    expect(first.get('pod-a')).toMatchObject({ valid: false, error: PRIMING_ERROR });
    expect(first.get('unreachable')).toMatchObject({
      valid: false,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(first.get('unreachable')?.failureReason).toBe('ScrapeConnectionFailed');
    clockMs = 2000;
    const second = await scraper.scrape(targets, 2000);
    expect(second.get('pod-a')).toMatchObject({ valid: true, requestCount: 10, windowSeconds: 2 });
    expect(second.get('pod-a')?.meanSeconds).toBeCloseTo(0.05, 10);
  });

  it('builds the URL from the pod IP and the SLA scrape source', () => {
    expect(scrapeUrl('10.0.0.7', { port: 9090, metric: 'm' })).toBe('http://10.0.0.7:9090/metrics');
    expect(scrapeUrl('fd00::7', { port: 8080, path: 'stats', metric: 'm' })).toBe(
      'http://[fd00::7]:8080/stats',
    );
  });
});
