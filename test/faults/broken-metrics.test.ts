// Broken /metrics endpoints must neither stretch the agent's tick nor hold back the healthy pods'
// signals, and must be visible: endpoints that hang, trickle, answer garbage, NaN or 50 MB, beside
// two healthy ones, on loopback, scraped by the real scraper inside the real Agent loop. Each broken
// pod gets MetricsAvailable=False with its reason on its PodScale (written once, not every tick), one
// Warning Event per failure episode, and kosmos_agent_scrape_failures_total{reason} counts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodEventWriter, PodRef } from '../../agent/src/actuator/metrics-events.ts';
import { windowedScraper } from '../../agent/src/start.ts';
import { silentLogger } from '../../lib/log.ts';
import { agentRig } from './agent-rig.ts';

const TICK_MS = 400;
/** The agent's default scrape deadline: the old agent's tick took this long with a hanging pod. */
const SCRAPE_TIMEOUT_MS = 2000;

function histogram(count: number): string {
  return [
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{le="0.1"} ${count}`,
    `http_request_duration_seconds_bucket{le="+Inf"} ${count}`,
    `http_request_duration_seconds_sum ${count * 0.05}`,
    `http_request_duration_seconds_count ${count}`,
    '',
  ].join('\n');
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Each endpoint, and the reason its pod's MetricsAvailable condition must give (undefined: healthy). */
const ENDPOINTS: Array<{ name: string; reason?: string; handler: Handler }> = [
  { name: 'healthy-1', handler: (_q, res) => res.end(histogram(Math.floor(Date.now() / 10))) },
  { name: 'healthy-2', handler: (_q, res) => res.end(histogram(Math.floor(Date.now() / 20))) },
  { name: 'hang', reason: 'ScrapeTimeout', handler: () => undefined },
  {
    name: 'trickle',
    reason: 'ScrapeTimeout',
    handler: (_q, res) => {
      res.write('# TYPE http_request_duration_seconds histogram\n');
      const timer = setInterval(() => res.write('#'), 50);
      res.on('close', () => clearInterval(timer));
    },
  },
  {
    name: 'garbage',
    reason: 'ScrapeBadPayload',
    handler: (_q, res) => res.end('<html>502 Bad Gateway</html>'),
  },
  {
    name: 'nan',
    reason: 'ScrapeNotANumber',
    handler: (_q, res) => res.end(histogram(10).replace(/_count 10/, '_count NaN')),
  },
  {
    name: 'oversize',
    reason: 'ScrapeTooLarge',
    handler: (_q, res) => {
      // 50 MB of comments, streamed without a content-length
      const chunk = Buffer.alloc(1024 * 1024, '#');
      let sent = 0;
      const push = () => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent >= 50) res.end();
        else res.once('drain', push);
      };
      res.on('close', () => {
        sent = 50;
      });
      push();
    },
  },
];

class RecordingEvents implements PodEventWriter {
  readonly events: Array<{ pod: string; type: string; reason: string; note: string }> = [];
  async podEvent(pod: PodRef, type: string, reason: string, note: string): Promise<void> {
    this.events.push({ pod: pod.name, type, reason, note });
  }
}

describe('broken pod metrics endpoints beside healthy ones', () => {
  const servers: Server[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    for (const e of ENDPOINTS) {
      const server = createServer(e.handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      ports.push((server.address() as AddressInfo).port);
    }
  });

  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('keep the tick short and the healthy signals flowing, and show up as condition, Event and metric', async () => {
    const events = new RecordingEvents();
    const { AgentMetrics } = await import('../../agent/src/health/agent-metrics.ts');
    const metrics = new AgentMetrics();
    const { agent, pods, reports, statuses } = agentRig({
      ports,
      tickMs: TICK_MS,
      metrics,
      events,
      scraper: windowedScraper(silentLogger(), { tickMs: TICK_MS, timeoutMs: SCRAPE_TIMEOUT_MS, metrics }),
    });
    const index = (name: string) => ENDPOINTS.findIndex((e) => e.name === name);
    const uidOf = (name: string) => pods[index(name)]!.pod.metadata!.uid!;
    const tickMs: number[] = [];
    let writesAfterSettling = 0;
    for (let tick = 0; tick < 14; tick++) {
      const started = performance.now();
      await agent.runOnce();
      tickMs.push(performance.now() - started);
      if (tick === 9) writesAfterSettling = statuses.writes;
      // paced like the agent's own loop: the next tick starts a period after this one started
      await new Promise((r) => setTimeout(r, Math.max(0, TICK_MS - tickMs.at(-1)!)));
    }

    // the tick never waits for a broken endpoint: at most the scrape wait (a quarter of the tick)
    // plus the tick's own work, far below the scrape deadline (margin for a loaded machine)
    expect(Math.max(...tickMs)).toBeLessThan(SCRAPE_TIMEOUT_MS / 2);

    // healthy pods keep their signal: never failing, measured on most ticks (a scrape slower than
    // the tick's wait, on a loaded machine, counts in the next tick's window, stamped with its own
    // time), and the rate over their windows is the endpoint's own (100 and 50 req/s)
    for (const [name, rate] of [
      ['healthy-1', 100],
      ['healthy-2', 50],
    ] as const) {
      const windows = reports.slice(1).map((r) => r.pods.find((p) => p.uid === uidOf(name))!.responseTime!);
      expect(
        windows.every((w) => w.failureReason === ''),
        name,
      ).toBe(true);
      const measured = windows.filter((w) => w.valid);
      expect(measured.length, name).toBeGreaterThanOrEqual(windows.length / 2);
      const requests = measured.reduce((sum, w) => sum + Number(w.requestCount), 0);
      const seconds = measured.reduce((sum, w) => sum + w.windowSeconds, 0);
      expect(requests / seconds, name).toBeGreaterThan(rate * 0.9);
      expect(requests / seconds, name).toBeLessThan(rate * 1.1);
    }

    const last = reports.at(-1)!;
    for (const e of ENDPOINTS) {
      const pod = pods[index(e.name)]!;
      const rt = last.pods.find((p) => p.uid === pod.pod.metadata!.uid)!.responseTime!;
      const condition = pod.podScale.status?.conditions?.find((c) => c.type === 'MetricsAvailable');
      if (e.reason) {
        expect(rt, e.name).toMatchObject({ valid: false, failureReason: e.reason });
        expect(condition, e.name).toMatchObject({ status: 'False', reason: e.reason });
      } else {
        expect(condition, e.name).toMatchObject({ status: 'True' });
      }
    }

    // one Warning Event per broken pod for the whole episode, not one per tick
    const broken = ENDPOINTS.filter((e) => e.reason);
    expect(events.events.map((e) => e.pod).sort()).toEqual(
      broken.map((e) => pods[index(e.name)]!.pod.metadata!.name).sort(),
    );
    expect(events.events.every((e) => e.type === 'Warning')).toBe(true);

    // the conditions are written when they change, not on every tick
    expect(statuses.writes).toBe(writesAfterSettling);

    const failures = await metrics.scrapeFailures.get();
    const byReason = new Map(failures.values.map((v) => [v.labels.reason, v.value]));
    for (const reason of ['timeout', 'bad_payload', 'not_a_number', 'too_large'])
      expect(byReason.get(reason) ?? 0, reason).toBeGreaterThan(0);
  });
});
