import { afterEach, describe, expect, it } from 'vitest';
import { AgentMetrics } from '../../../../agent/src/health/agent-metrics.ts';
import { type HealthServer, startHealthServer } from '../../../../agent/src/health/health-server.ts';

describe('health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('answers /healthz, /readyz and /metrics from the agent’s state and registry', async () => {
    const metrics = new AgentMetrics();
    metrics.setHubState('disconnected');
    metrics.resizeRequests.inc({ outcome: 'applied' });
    let ready = false;
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      health: () => ({ live: true, ready, details: { failStatic: true } }),
    });
    const base = `http://127.0.0.1:${server.port}`;
    const healthz = await fetch(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({ status: 'ok', failStatic: true });
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('kosmos_agent_hub_connection_state{state="disconnected"} 1');
    expect(text).toContain('kosmos_agent_resize_requests_total{outcome="applied"} 1');
    // memory read at scrape time: resident and V8's old space (always populated after start)
    const bytes = (re: RegExp) => Number(text.match(re)?.[1]);
    expect(bytes(/^kosmos_agent_memory_bytes\{kind="rss"\} (\d+)$/m)).toBeGreaterThan(1 << 20);
    expect(bytes(/^kosmos_agent_heap_space_bytes\{space="old",kind="used"\} (\d+)$/m)).toBeGreaterThan(0);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('fails liveness when the loop stopped ticking', async () => {
    const metrics = new AgentMetrics();
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      health: () => ({ live: false, ready: true, details: {} }),
    });
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(503);
  });
});
