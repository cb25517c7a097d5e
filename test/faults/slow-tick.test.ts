// A slow tick must not inflate the request rate. A pod serves a steady 50 req/s (counted on a fake
// clock); every tick of the in-process agent takes 1.2 s (its report is slow to go out), so the next
// tick starts at once. Rates must come from the scrapes' own times: the hub's signal stays at 50 req/s
// (the agent used to send a window of a few ms and the hub turned it into tens of thousands). A
// window too short to mean anything is pooled into the next one, never reported as a rate.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowedScraper } from '../../agent/src/start.ts';
import { nodeSampleFromWire } from '../../hub/src/agentserver/report-sample.ts';
import { podSignal } from '../../hub/src/loop/signals.ts';
import { ClusterModel } from '../../hub/src/model/cluster-model.ts';
import { silentLogger } from '../../lib/log.ts';
import { agentRig } from './agent-rig.ts';

const RATE = 50;

describe('a slow agent tick', () => {
  let clockMs = 1_000_000;
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    // cumulative requests at RATE per second of the fake clock, all finishing in 20 ms
    server = createServer((_req, res) => {
      const count = Math.floor((clockMs / 1000) * RATE);
      res.end(
        [
          '# TYPE http_request_duration_seconds histogram',
          `http_request_duration_seconds_bucket{le="0.025"} ${count}`,
          `http_request_duration_seconds_bucket{le="+Inf"} ${count}`,
          `http_request_duration_seconds_sum ${count * 0.02}`,
          `http_request_duration_seconds_count ${count}`,
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function rig(slowMs: number) {
    const now = () => clockMs;
    return agentRig({
      ports: [port],
      // the tick waits for its scrape (loopback) however loaded the machine: the fake clock must not
      // move while a scrape is in flight
      scraper: windowedScraper(silentLogger(), { tickMs: 1000, now, waitMs: 2000 }),
      now,
      onSend: () => {
        clockMs += slowMs;
      },
    });
  }

  it('reports the pod’s own rate, not the count over the gap between ticks', async () => {
    const { agent, reports } = rig(1200);
    const model = new ClusterModel();
    const rates: number[] = [];
    for (let tick = 0; tick < 6; tick++) {
      await agent.runOnce();
      clockMs += 3; // the next tick starts at once: the last one overran its 1 s period
      const report = reports.at(-1)!;
      model.foldReport(nodeSampleFromWire(report), clockMs);
      const obs = model.observation(report.pods[0]!.uid)!;
      if (obs.sample.responseTime?.valid)
        rates.push(podSignal(obs.sample, obs.windowSeconds, 'p95').requestRate);
    }
    expect(rates.length).toBeGreaterThanOrEqual(4);
    for (const rate of rates) expect(rate).toBeCloseTo(RATE, -1); // within ±5 req/s
  });

  it('pools a window too short to mean anything into the next one', async () => {
    const { agent, reports } = rig(0);
    await agent.runOnce(); // primes
    clockMs += 1000;
    await agent.runOnce(); // a 1 s window
    clockMs += 4;
    await agent.runOnce(); // 4 ms later: no evidence
    clockMs += 1000;
    await agent.runOnce(); // the 1.004 s since the last measured scrape
    const windows = reports.map((r) => r.pods[0]!.responseTime!);
    expect(windows[1]).toMatchObject({ valid: true, windowSeconds: 1 });
    expect(windows[2]?.valid).toBe(false);
    expect(windows[2]?.error).toMatch(/shorter than/);
    expect(windows[3]).toMatchObject({ valid: true });
    expect(windows[3]!.windowSeconds).toBeCloseTo(1.004, 6);
    const model = new ClusterModel();
    model.foldReport(nodeSampleFromWire(reports[3]!), clockMs);
    const obs = model.observation(reports[3]!.pods[0]!.uid)!;
    expect(podSignal(obs.sample, obs.windowSeconds, 'p95').requestRate).toBeCloseTo(RATE, -1);
  });
});
