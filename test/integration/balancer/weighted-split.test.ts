// Through a real HAProxy: the syncer takes the hub's weights (over HubStatus gRPC) for pods of
// unequal enacted CPU, and the measured request split across real backends follows them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticAddresses } from '../../../hub/src/balancer/pod-addresses.ts';
import { HubStatusWeightSource } from '../../../hub/src/balancer/weight-source.ts';
import { WeightSyncer } from '../../../hub/src/balancer/weight-syncer.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type Backend, freePort, type Haproxy, sendRequests, startBackend, startHaproxy } from './harness.ts';
import { type HubState, SLA, startHubState } from './hub-state.ts';

const BACKEND = 'web';
const PODS = { 'web-a': '127.0.0.11', 'web-b': '127.0.0.12', 'web-c': '127.0.0.13' } as const;

describe('weighted balancing through HAProxy', () => {
  let haproxy: Haproxy;
  let hub: HubState;
  let backends: Backend[];
  let source: HubStatusWeightSource;
  let syncer: WeightSyncer;

  beforeAll(async () => {
    const port = await freePort();
    backends = await Promise.all(Object.entries(PODS).map(([name, ip]) => startBackend(name, ip, port)));
    haproxy = await startHaproxy({ backend: BACKEND, slots: 4, serverPort: port });
    hub = await startHubState();
    source = new HubStatusWeightSource({ address: hub.address, sla: SLA });
    syncer = new WeightSyncer({
      source,
      addresses: new StaticAddresses(Object.entries(PODS)),
      proxy: haproxy.runtime,
      backend: BACKEND,
      port,
      log: silentLogger(),
    });
  });

  afterAll(async () => {
    source?.close();
    await hub?.stop();
    await haproxy?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
  });

  function shares(byBackend: Map<string, number>, total: number): Record<string, number> {
    return Object.fromEntries(Object.keys(PODS).map((p) => [p, (byBackend.get(p) ?? 0) / total]));
  }

  it('splits 2000 requests in proportion to enacted CPU (2000m : 1000m : 500m → 4 : 2 : 1) within 2 points', async () => {
    const weights = hub.publish({ 'web-a': 2000, 'web-b': 1000, 'web-c': 500 });
    expect(Object.fromEntries(weights)).toEqual({ 'web-a': 256, 'web-b': 128, 'web-c': 64 });
    const { plan } = await syncer.runOnce();
    expect(plan.added.map((a) => a.pod).sort()).toEqual(['web-a', 'web-b', 'web-c']);

    const slots = await haproxy.runtime.servers(BACKEND);
    const active = slots.filter((s) => s.state === 'active');
    expect(active.map((s) => [s.address, s.weight]).sort()).toEqual([
      ['127.0.0.11', 256],
      ['127.0.0.12', 128],
      ['127.0.0.13', 64],
    ]);

    const load = await sendRequests(haproxy.url, 2000, 16);
    expect(load.failures).toEqual([]);
    const got = shares(load.byBackend, 2000);
    for (const [pod, want] of Object.entries({ 'web-a': 4 / 7, 'web-b': 2 / 7, 'web-c': 1 / 7 })) {
      expect(Math.abs(got[pod]! - want), `${pod}: ${got[pod]} vs ${want}`).toBeLessThan(0.02);
    }
  });

  it('follows a resize: after web-c grows to 2000m and web-a shrinks to 500m the split turns around', async () => {
    hub.publish({ 'web-a': 500, 'web-b': 1000, 'web-c': 2000 });
    const { plan } = await syncer.runOnce();
    expect(plan.added).toEqual([]);
    expect(plan.commands.filter((c) => c.op === 'weight')).toHaveLength(2);

    const load = await sendRequests(haproxy.url, 1400, 16);
    expect(load.failures).toEqual([]);
    const got = shares(load.byBackend, 1400);
    for (const [pod, want] of Object.entries({ 'web-a': 1 / 7, 'web-b': 2 / 7, 'web-c': 4 / 7 })) {
      expect(Math.abs(got[pod]! - want), `${pod}: ${got[pod]} vs ${want}`).toBeLessThan(0.02);
    }
  });

  it('an equal allocation gives an equal split (weights are what HAProxy honours, not an artefact)', async () => {
    hub.publish({ 'web-a': 1000, 'web-b': 1000, 'web-c': 1000 });
    await syncer.runOnce();
    const load = await sendRequests(haproxy.url, 900, 16);
    expect(load.failures).toEqual([]);
    for (const share of Object.values(shares(load.byBackend, 900)))
      expect(Math.abs(share - 1 / 3)).toBeLessThan(0.02);
  });
});
