// The shipped deploy/balancer/haproxy.cfg is valid for HAProxy and works with the syncer: slots
// filled at run time pass its HTTP health check and serve traffic with the hub's weights.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { StaticAddresses } from '../../../hub/src/balancer/pod-addresses.ts';
import { boardWeightSource } from '../../../hub/src/balancer/weight-source.ts';
import { WeightSyncer } from '../../../hub/src/balancer/weight-syncer.ts';
import { silentLogger } from '../../../lib/log.ts';
import {
  type Backend,
  freePort,
  type Haproxy,
  requireHaproxy,
  sendRequests,
  startBackend,
  startHaproxy,
  waitFor,
} from './harness.ts';
import { type HubState, SLA, startHubState } from './hub-state.ts';

const CFG = new URL('../../../deploy/balancer/haproxy.cfg', import.meta.url).pathname;

describe('deploy/balancer/haproxy.cfg', () => {
  let haproxy: Haproxy | undefined;
  let hub: HubState | undefined;
  const backends: Backend[] = [];

  afterAll(async () => {
    await hub?.stop();
    await haproxy?.stop();
    await Promise.all(backends.map((b) => b.stop()));
  });

  it('passes haproxy -c', () => {
    requireHaproxy();
    const r = spawnSync('haproxy', ['-c', '-f', CFG], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
  });

  it('runs on loopback with its slots filled by the syncer from the in-hub board', async () => {
    const podPort = await freePort();
    const healthPort = await freePort();
    const text = readFileSync(CFG, 'utf8');
    haproxy = await startHaproxy({ backend: 'web', slots: 0, serverPort: podPort }, (socketPath, port) =>
      text
        .replace('/var/run/haproxy/admin.sock', socketPath)
        .replace('bind :8080', `bind 127.0.0.1:${port}`)
        .replace('bind :8404', `bind 127.0.0.1:${healthPort}`),
    );
    backends.push(
      await startBackend('web-x', '127.0.0.31', podPort),
      await startBackend('web-y', '127.0.0.32', podPort),
    );
    hub = await startHubState();
    hub.publish({ 'web-x': 1800, 'web-y': 600 });
    const syncer = new WeightSyncer({
      source: boardWeightSource(hub.board, SLA),
      addresses: new StaticAddresses([
        ['web-x', '127.0.0.31'],
        ['web-y', '127.0.0.32'],
      ]),
      proxy: haproxy.runtime,
      backend: 'web',
      port: podPort,
      log: silentLogger(),
    });
    const { plan } = await syncer.runOnce();
    expect(plan.added).toHaveLength(2);
    expect((await haproxy.runtime.servers('web')).length).toBe(32);

    await waitFor('health checks to pass', async () => {
      const res = await fetch(haproxy!.url);
      return res.status === 200 ? true : undefined;
    });
    const load = await sendRequests(haproxy.url, 800, 8);
    expect(load.failures).toEqual([]);
    const x = (load.byBackend.get('web-x') ?? 0) / 800;
    expect(Math.abs(x - 3 / 4)).toBeLessThan(0.03);
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(health.status).toBe(200);
  });
});
