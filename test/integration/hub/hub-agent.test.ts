// Hub and agent (real code, real gRPC) against the embedded API server: PodScale lifecycle,
// vertical scaling enacted by the agent, scale-out through /scale, scale-in, kosmosctl.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../../agent/src/start.ts';
import { kosmosctl } from '../../../hub/src/cli/kosmosctl.ts';
import type { RunningHub } from '../../../hub/src/hub.ts';
import {
  GROUP,
  PODSCALE_PLURAL,
  type PodScale,
  type ServiceLevelAgreement,
  SLA_PLURAL,
  VERSION,
} from '../../../lib/api/types.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { parseCpuMilli } from '../../../lib/quantity.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startHubAndAgent } from './pair.ts';
import { webDeployment, webSla } from './web-service.ts';
import { Workload } from './workload.ts';

const NS = 'default';
const NODE = 'node-1';

const deployment = webDeployment(2);

const sla = webSla({
  maxCpu: '1',
  maxReplicas: 4,
  policy: {
    mode: 'Auto',
    horizontal: {
      scaleUp: { windowSeconds: 1, stabilizationSeconds: 1 },
      scaleDown: { windowSeconds: 2, stabilizationSeconds: 1 },
    },
  },
});

describe('hub + agent against the embedded cluster', () => {
  let api: ApiServer;
  let hub: RunningHub;
  let agent: RunningAgent;
  let workload: Workload;
  let clients: ReturnType<typeof kubeClients>;

  const crd = { group: GROUP, version: VERSION, namespace: NS };
  const podScales = async () =>
    (
      (await clients.custom.listNamespacedCustomObject({ ...crd, plural: PODSCALE_PLURAL })) as {
        items: PodScale[];
      }
    ).items;
  const runningPods = async () =>
    (await clients.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' })).items.filter(
      (p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
    );
  const specReplicas = async () =>
    (await clients.apps.readNamespacedDeployment({ name: 'web', namespace: NS })).spec?.replicas;

  beforeAll(async () => {
    api = await startApiServer({
      crdDir: 'deploy/crds',
      nodes: [{ name: NODE, cpu: '8', memory: '16Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
    });
    clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: deployment });
    await waitFor('2 web pods running', async () => (await runningPods()).length === 2);
    workload = new Workload(api);
    ({ hub, agent } = await startHubAndAgent(api, workload, NODE, ['--identity=hub-test']));
  });

  afterAll(async () => {
    await agent?.stop();
    await hub?.stop();
    await api?.stop();
  });

  it('creating an SLA creates one PodScale per pod, owned by the SLA, desired = current resources', async () => {
    await clients.custom.createNamespacedCustomObject({ ...crd, plural: SLA_PLURAL, body: sla });
    const items = await waitFor('2 PodScales', async () => {
      const list = await podScales();
      return list.length === 2 ? list : undefined;
    });
    const pods = await runningPods();
    expect(items.map((p) => p.spec.podRef.uid).sort()).toEqual(pods.map((p) => p.metadata!.uid).sort());
    for (const ps of items) {
      expect(ps.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ServiceLevelAgreement',
        name: 'web',
        controller: true,
      });
      expect(ps.spec).toMatchObject({ container: 'app', nodeName: NODE });
    }
    const status = await waitFor('SLA status Ready with 2 pods', async () => {
      const s = (await clients.custom.getNamespacedCustomObject({
        ...crd,
        plural: SLA_PLURAL,
        name: 'web',
      })) as ServiceLevelAgreement;
      return s.status?.podsTracked === 2 &&
        s.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
        ? s.status
        : undefined;
    });
    expect(status.conditions?.find((c) => c.type === 'Invalid')?.status).toBe('False');
  });

  it('reports what CEL cannot catch — a missing target, pods that cannot be resized — as conditions and Events', async () => {
    await clients.apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'plain', namespace: NS },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'plain' } },
          template: {
            metadata: { labels: { app: 'plain' } },
            spec: { containers: [{ name: 'app', image: 'x' }] },
          },
        },
      },
    });
    const variant = (name: string, target: string): ServiceLevelAgreement => ({
      ...sla,
      metadata: { name, namespace: NS },
      spec: { ...sla.spec, targetRef: { ...sla.spec.targetRef, name: target } },
    });
    for (const body of [variant('ghost', 'nope'), variant('plain', 'plain')]) {
      await clients.custom.createNamespacedCustomObject({ ...crd, plural: SLA_PLURAL, body });
    }
    const condition = async (name: string, type: string) => {
      const s = (await clients.custom.getNamespacedCustomObject({
        ...crd,
        plural: SLA_PLURAL,
        name,
      })) as ServiceLevelAgreement;
      const c = s.status?.conditions?.find((x) => x.type === type);
      return c?.status === 'True' ? c : undefined;
    };
    expect((await waitFor('ghost Invalid', () => condition('ghost', 'Invalid'))).reason).toBe(
      'TargetNotFound',
    );
    expect((await waitFor('plain PodsSkipped', () => condition('plain', 'PodsSkipped'))).reason).toBe(
      'NotResizable',
    );
    const events = await waitFor('Warning events', async () => {
      const list = (await clients.events.listNamespacedEvent({ namespace: NS })).items;
      const reasons = new Set(list.filter((e) => e.type === 'Warning').map((e) => e.reason));
      return reasons.has('TargetNotFound') && reasons.has('NotResizable') ? list : undefined;
    });
    expect(events.find((e) => e.reason === 'NotResizable')?.regarding?.kind).toBe('Pod');
    expect((await podScales()).filter((ps) => ps.spec.slaRef.name !== 'web')).toEqual([]);
    for (const name of ['ghost', 'plain'])
      await clients.custom.deleteNamespacedCustomObject({ ...crd, plural: SLA_PLURAL, name });
    await clients.apps.deleteNamespacedDeployment({ name: 'plain', namespace: NS });
  });

  it('a load increase raises desired CPU and the agent enacts it in place', async () => {
    workload.totalRps = 200; // 100 rps per pod × 5 ms = 500m each
    const raised = await waitFor('PodScale desired above 400m', async () => {
      const list = await podScales();
      return list.length === 2 && list.every((ps) => parseCpuMilli(ps.spec.desired.cpu ?? '0') > 400)
        ? list
        : undefined;
    });
    expect(raised.length).toBe(2);
    await waitFor('pods resized in place above 400m', async () => {
      const pods = await runningPods();
      return (
        pods.length === 2 &&
        pods.every(
          (p) => parseCpuMilli(p.status?.containerStatuses?.[0]?.resources?.requests?.cpu ?? '0') > 400,
        )
      );
    });
    expect(
      (await runningPods()).every((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) === 0),
    ).toBe(true);
  });

  it('kosmosctl status shows the SLA with its pods', async () => {
    const lines: string[] = [];
    const { program, done } = kosmosctl((l) => lines.push(l));
    program.exitOverride();
    await program.parseAsync(['--hub', `127.0.0.1:${hub.statusPort}`, 'status'], { from: 'user' });
    done();
    const text = lines.join('\n');
    expect(text).toContain('hub hub-test (leader)');
    expect(text).toMatch(/default\/web\s+Deployment\/web\s+Auto\s+200ms p95/);
  });

  it('persistent capping at the SLA maximum scales the Deployment out through /scale', async () => {
    workload.totalRps = 600; // 3000m of demand, 1000m max per pod
    const replicas = await waitFor(
      'Deployment scaled out',
      async () => {
        const r = await specReplicas();
        return r !== undefined && r > 2 ? r : undefined;
      },
      20_000,
    );
    expect(replicas).toBeLessThanOrEqual(4);
    expect(api.requestCounts().get('patch deployments/scale')).toBeGreaterThanOrEqual(1);
    expect(api.requestCounts().get('update deployments') ?? 0).toBe(0);
    await waitFor('a PodScale per new pod', async () => (await podScales()).length === replicas);
  });

  it('low demand scales it in after the window', async () => {
    const before = (await specReplicas())!;
    workload.totalRps = 10;
    await waitFor('Deployment scaled in', async () => ((await specReplicas()) ?? before) < before, 20_000);
  });

  it('deleting a pod removes its PodScale', async () => {
    const [victim] = await runningPods();
    const name = victim!.metadata!.name!;
    await clients.core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
    await waitFor(
      'its PodScale gone',
      async () => !(await podScales()).some((ps) => ps.metadata.name === name),
    );
  });

  it('mode Recommend publishes desired CPU and replicas but never resizes or scales', async () => {
    await clients.custom.patchNamespacedCustomObject(
      {
        ...crd,
        plural: SLA_PLURAL,
        name: 'web',
        body: { spec: { policy: { mode: 'Recommend' }, resources: { max: { cpu: '500m' } } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor('hub sees Recommend', () => hub.board.service(NS, 'web')?.sla.mode === 'Recommend');
    const replicas = (await specReplicas())!;
    const enacted = new Map(
      (await runningPods()).map((p) => [
        p.metadata!.name!,
        p.status?.containerStatuses?.[0]?.resources?.requests?.cpu,
      ]),
    );
    workload.totalRps = 1200;
    await waitFor(
      'a recommendation to add replicas',
      () => {
        const s = hub.board.service(NS, 'web')?.sla;
        return s && Number(s.desiredReplicas) > replicas;
      },
      20_000,
    );
    await waitFor('PodScale desired raised', async () =>
      (await podScales()).every((ps) => parseCpuMilli(ps.spec.desired.cpu ?? '0') === 500),
    );
    // The agent has had its directives for a few ticks since.
    const seq = hub.model.node(NODE)!.sequence;
    await waitFor('three more agent reports', () => hub.model.node(NODE)!.sequence >= seq + 3);
    expect(await specReplicas()).toBe(replicas);
    const now = new Map(
      (await runningPods()).map((p) => [
        p.metadata!.name!,
        p.status?.containerStatuses?.[0]?.resources?.requests?.cpu,
      ]),
    );
    expect(now).toEqual(enacted);
  });

  it('deleting the SLA removes all its PodScales', async () => {
    await clients.custom.deleteNamespacedCustomObject({ ...crd, plural: SLA_PLURAL, name: 'web' });
    await waitFor('no PodScales left', async () => (await podScales()).length === 0);
    await waitFor('hub forgot the service', () => hub.board.services().length === 0);
  });
});
