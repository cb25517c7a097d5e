// Hub and agent (real code, real gRPC) on an embedded cluster of one 1-core node: node contention
// adds no replica when no node has room for one; with --nodes-autoscaled it does, and the new pod
// stays Pending; a hub without that flag then removes the unschedulable pod.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PODSCALE_PLURAL, type PodScale, SLA_PLURAL, VERSION } from '../../../lib/api/types.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { type HubAgentPair, startHubAndAgent } from './pair.ts';
import { WEB_NAMESPACE as NS, webDeployment, webSla } from './web-service.ts';
import { Workload } from './workload.ts';

const NODE = 'node-1';

describe('hub + agent on a full cluster', () => {
  let api: ApiServer;
  let clients: ReturnType<typeof kubeClients>;
  let workload: Workload;
  let pair: HubAgentPair | undefined;

  const specReplicas = async () =>
    (await clients.apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec?.replicas;
  const pods = async () =>
    (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
  const unschedulable = async () =>
    (await pods()).filter((p) =>
      p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
    );
  const podScales = async () =>
    (
      (await clients.custom.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: PODSCALE_PLURAL,
      })) as { items: PodScale[] }
    ).items;

  /** A fresh hub (with the given extra flags) and agent; the previous pair is stopped first. */
  async function startPair(hubFlags: string[]): Promise<void> {
    await pair?.stop();
    pair = await startHubAndAgent(api, workload, NODE, hubFlags);
  }

  beforeAll(async () => {
    api = await startApiServer({
      crdDir: 'deploy/crds',
      nodes: [{ name: NODE, cpu: '1', memory: '16Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
    });
    clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(2) });
    await waitFor('2 web pods running', async () =>
      (await pods()).filter((p) => p.status?.phase === 'Running').length === 2 ? true : undefined,
    );
    workload = new Workload(api);
    // 100 rps per pod at 10 ms each: ~1.2 cores wanted per pod, 4 cores max, 1 core on the node.
    workload.totalRps = 200;
    await clients.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: SLA_PLURAL,
      body: webSla({
        maxCpu: '4',
        maxReplicas: 4,
        policy: {
          mode: 'Auto',
          horizontal: {
            scaleUp: { windowSeconds: 1, stabilizationSeconds: 1 },
            scaleDown: { windowSeconds: 2, stabilizationSeconds: 1 },
          },
        },
      }),
    });
  });

  afterAll(async () => {
    await pair?.stop();
    await api?.stop();
  });

  it('adds no replica for node contention when no node has room for one', async () => {
    await startPair([]);
    await waitFor(
      'both pods held back by node contention',
      async () => {
        const ps = await podScales();
        return ps.length === 2 && ps.every((p) => p.status?.capped?.reason === 'NodeContention')
          ? true
          : undefined;
      },
      20_000,
    );
    // Five scale-up windows (1 s) at a 200 ms period.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await specReplicas()).toBe(2);
    expect(api.requestCounts().get('patch deployments/scale') ?? 0).toBe(0);
  });

  it('with --nodes-autoscaled, scales out on node contention; the new pod stays Pending', async () => {
    await startPair(['--nodes-autoscaled']);
    await waitFor('Deployment scaled out', async () => ((await specReplicas()) ?? 0) > 2, 20_000);
    await waitFor('a web pod unschedulable', async () =>
      (await unschedulable()).length > 0 ? true : undefined,
    );
  });

  it('a hub whose nodes are not autoscaled removes the unschedulable pods', async () => {
    await startPair([]);
    await waitFor(
      'Deployment back to 2',
      async () => ((await specReplicas()) === 2 ? true : undefined),
      20_000,
    );
    await waitFor('no unschedulable pod left', async () =>
      (await unschedulable()).length === 0 ? true : undefined,
    );
    expect(await specReplicas()).toBe(2);
  });
});
