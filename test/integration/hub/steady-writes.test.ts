// The write budget and the answer to a surge, end to end: the real hub and agent on the embedded
// cluster, 10 pods under a load that wanders ±15 % every second. Once settled they write at most one
// API object per pod per minute (PodScale desired, pods/resize, PodScale status, SLA status together),
// and a 3× load step on every pod is enacted in place within 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../agent/src/start.ts';
import type { RunningHub } from '../../../hub/src/hub.ts';
import { GROUP, PODSCALE_PLURAL, type PodScale, SLA_PLURAL, VERSION } from '../../../lib/api/types.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { parseCpuMilli } from '../../../lib/quantity.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startHubAndAgent } from './pair.ts';
import { webDeployment, webSla } from './web-service.ts';
import { Workload } from './workload.ts';

const NS = 'default';
const NODE = 'node-1';
const PODS = 10;
/** 10 req/s per pod at 10 ms each: 100m of demand per pod. */
const BASE_RPS = 10 * PODS;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

const totalWrites = (counts: Map<string, number>) =>
  [...counts].filter(([k]) => WRITE_VERBS.has(k.split(' ')[0] ?? '')).reduce((n, [, v]) => n + v, 0);

describe('steady state writes and the answer to a load step', () => {
  let api: ApiServer;
  let hub: RunningHub;
  let agent: RunningAgent;
  let workload: Workload;
  let wander: NodeJS.Timeout | undefined;
  let clients: ReturnType<typeof kubeClients>;
  const crd = { group: GROUP, version: VERSION, namespace: NS };
  const podScales = async () =>
    (
      (await clients.custom.listNamespacedCustomObject({ ...crd, plural: PODSCALE_PLURAL })) as {
        items: PodScale[];
      }
    ).items;
  const reports = () => hub.model.node(NODE)?.sequence ?? 0;

  beforeAll(async () => {
    api = await startApiServer({
      crdDir: 'deploy/crds',
      nodes: [{ name: NODE, cpu: '16', memory: '32Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
    });
    clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(PODS) });
    workload = new Workload(api);
    workload.totalRps = BASE_RPS;
    await waitFor(`${PODS} web pods running`, () =>
      workload.runningPods().length === PODS ? true : undefined,
    );
    ({ hub, agent } = await startHubAndAgent(api, workload, NODE, ['--identity=hub-steady']));
    await clients.custom.createNamespacedCustomObject({
      ...crd,
      plural: SLA_PLURAL,
      body: webSla({ maxCpu: '2', maxReplicas: PODS, policy: { mode: 'Auto' } }),
    });
  });

  afterAll(async () => {
    clearInterval(wander);
    await agent?.stop();
    await hub?.stop();
    await api?.stop();
  });

  it('writes at most once per pod per minute once settled, under a load wandering ±15 % a second', async () => {
    let seed = 42;
    const uniform = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    wander = setInterval(() => {
      workload.totalRps = BASE_RPS * (1 + 0.3 * (uniform() - 0.5));
    }, 1000);
    // settled: every pod sized up from its 200m start, and no PodScale desired moved for 3 s
    let last = '';
    let quietSince = reports();
    await waitFor(
      'PodScale desired quiet for 15 agent reports',
      async () => {
        const now = (await podScales())
          .map((ps) => `${ps.metadata.name}=${ps.spec.desired.cpu}`)
          .sort()
          .join(',');
        if (now !== last) {
          last = now;
          quietSince = reports();
        }
        return (await podScales()).length === PODS && reports() - quietSince >= 15 ? true : undefined;
      },
      30_000,
    );
    const before = totalWrites(api.requestCounts());
    const t0 = performance.now();
    const from = reports();
    await waitFor(
      '20 s of agent reports (100 at 200 ms)',
      () => (reports() >= from + 100 ? true : undefined),
      40_000,
    );
    const minutes = (performance.now() - t0) / 60_000;
    const writes = totalWrites(api.requestCounts()) - before;
    expect(writes / PODS / minutes).toBeLessThanOrEqual(1);
  });

  it('a 3× load step on every pod is enacted in place within 2 s', async () => {
    clearInterval(wander);
    const enactedBefore = new Map(
      workload
        .runningPods()
        .map((p) => [p.metadata.uid as string, workload.enactedCpuMilli(p.metadata.uid as string)]),
    );
    const t0 = performance.now();
    workload.totalRps = BASE_RPS * 3;
    await waitFor(
      'every pod enacted more CPU',
      () =>
        [...enactedBefore].every(([uid, cpu]) => workload.enactedCpuMilli(uid) > cpu) ? true : undefined,
      10_000,
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThanOrEqual(2);
    // the PodScale record follows a growth at once (its write is not held to once a minute)
    await waitFor(
      'every PodScale desired raised',
      async () =>
        (await podScales()).every(
          (ps) => parseCpuMilli(ps.spec.desired.cpu ?? '0') > (enactedBefore.get(ps.spec.podRef.uid) ?? 0),
        )
          ? true
          : undefined,
      2000,
    );
  });
});
