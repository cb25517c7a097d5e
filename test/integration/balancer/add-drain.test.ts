// Pods coming and going under steady traffic through a real HAProxy: the sidecar-mode syncer (hub
// weights over gRPC, pod IPs from the embedded API server) fills a free slot for a new pod, drains
// the slot of a pod that left and takes it out only when nothing is in flight — no request fails.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubePodAddresses } from '../../../hub/src/balancer/pod-addresses.ts';
import type { ServerSlot } from '../../../hub/src/balancer/sync-plan.ts';
import { HubStatusWeightSource } from '../../../hub/src/balancer/weight-source.ts';
import { WeightSyncer } from '../../../hub/src/balancer/weight-syncer.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import {
  type Backend,
  freePort,
  type Haproxy,
  startBackend,
  startHaproxy,
  steadyLoad,
  waitFor,
} from './harness.ts';
import { type HubState, SLA, startHubState } from './hub-state.ts';

const BACKEND = 'web';
const IPS: Record<string, string> = {
  'web-a': '127.0.0.21',
  'web-b': '127.0.0.22',
  'web-c': '127.0.0.23',
  'web-d': '127.0.0.24',
};

describe('pods added and drained under traffic', () => {
  let haproxy: Haproxy;
  let hub: HubState;
  let api: ApiServer;
  let core: k8s.CoreV1Api;
  let port: number;
  const backends = new Map<string, Backend>();
  let source: HubStatusWeightSource;
  let syncer: WeightSyncer;

  const uids = new Map<string, string>();
  const createPod = async (name: string) => {
    const pod = await core.createNamespacedPod({
      namespace: SLA.namespace,
      body: {
        metadata: { name, namespace: SLA.namespace, labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'kosmos:0.1.0', ports: [{ containerPort: port }] }] },
      },
    });
    uids.set(name, pod.metadata!.uid!);
  };
  const publish = (enacted: Record<string, number>) => hub.publish(enacted, uids);

  beforeAll(async () => {
    port = await freePort();
    for (const [name, ip] of Object.entries(IPS)) backends.set(name, await startBackend(name, ip, port));
    haproxy = await startHaproxy({ backend: BACKEND, slots: 3, serverPort: port });
    hub = await startHubState();
    api = await startApiServer({ podIp: (pod) => IPS[pod.metadata?.name ?? ''] });
    core = kubeClients(api.kubeConfig()).core;
    await core.createNamespace({ body: { metadata: { name: SLA.namespace } } });
    source = new HubStatusWeightSource({ address: hub.address, sla: SLA });
    syncer = new WeightSyncer({
      source,
      addresses: new KubePodAddresses(core),
      proxy: haproxy.runtime,
      backend: BACKEND,
      port,
      log: silentLogger(),
    });
  });

  afterAll(async () => {
    await syncer?.stop();
    source?.close();
    await hub?.stop();
    await haproxy?.stop();
    await api?.stop();
    await Promise.all([...backends.values()].map((b) => b.stop()));
  });

  const slotOf = async (pod: string): Promise<ServerSlot | undefined> =>
    (await haproxy.runtime.servers(BACKEND)).find((s) => s.address === IPS[pod]);

  it('adds web-c, drains and removes web-a, reuses its slot for web-d, with zero failed requests', async () => {
    await createPod('web-a');
    await createPod('web-b');
    publish({ 'web-a': 1000, 'web-b': 1000 });
    syncer.start(100);
    await waitFor('web-a and web-b in service', async () =>
      (await haproxy.runtime.servers(BACKEND)).filter((s) => s.state === 'active').length === 2
        ? true
        : undefined,
    );

    const load = steadyLoad(haproxy.url, 8);
    const served = (pod: string) => load.result.byBackend.get(pod) ?? 0;
    await waitFor(
      'traffic on web-a and web-b',
      () => (served('web-a') > 50 && served('web-b') > 50) || undefined,
    );

    // A new pod: the hub lists it before it is Ready; the syncer waits for its IP, then fills a free slot.
    const pending = createPod('web-c');
    publish({ 'web-a': 1000, 'web-b': 1000, 'web-c': 2000 });
    await pending;
    publish({ 'web-a': 1000, 'web-b': 1000, 'web-c': 2000 });
    await waitFor('traffic on web-c', () => served('web-c') > 50 || undefined);
    expect((await slotOf('web-c'))?.weight).toBe(256);

    // web-a leaves the SLA (scale-in): drain, then maint once nothing is in flight; then the pod dies.
    publish({ 'web-b': 1000, 'web-c': 2000 });
    await waitFor('web-a out of service', async () =>
      (await slotOf('web-a'))?.state === 'maint' ? true : undefined,
    );
    const servedByA = served('web-a');
    await backends.get('web-a')!.stop();
    await core.deleteNamespacedPod({ namespace: SLA.namespace, name: 'web-a' });

    // A fourth pod takes the freed slot (3 slots in all).
    await createPod('web-d');
    publish({ 'web-b': 1000, 'web-c': 2000, 'web-d': 1000 });
    await waitFor('traffic on web-d', () => served('web-d') > 50 || undefined);
    const before = load.result.total;
    await waitFor('300 more requests', () => load.result.total > before + 300 || undefined);
    const result = await load.stop();

    expect(result.failures).toEqual([]);
    expect(served('web-a')).toBe(servedByA);
    expect(result.total).toBeGreaterThan(500);
    const slots = await haproxy.runtime.servers(BACKEND);
    expect(
      slots
        .filter((s) => s.state === 'active')
        .map((s) => [s.address, s.weight])
        .sort(),
    ).toEqual([
      [IPS['web-b'], 128],
      [IPS['web-c'], 256],
      [IPS['web-d'], 128],
    ]);
  });
});
