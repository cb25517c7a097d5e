// A Kubernetes API call that hangs (45 s, the embedded API server's delay fault) on one object:
// every call has a deadline (here --kube-timeout=1s) and its expiry is logged; the hub's passes and
// the agent's ticks keep their period and serve the other objects meanwhile; a leader whose Lease
// calls hang steps down before its lease can expire for the others.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../agent/src/start.ts';
import type { RunningHub } from '../../hub/src/hub.ts';
import { GROUP, PODSCALE_PLURAL, type PodScale, SLA_PLURAL, VERSION } from '../../lib/api/types.ts';
import { withApiDeadlines } from '../../lib/api-deadline.ts';
import { kubeClients } from '../../lib/kube.ts';
import { LeaderElector, leaseStoreFor } from '../../lib/leader.ts';
import { silentLogger } from '../../lib/log.ts';
import { parseCpuMilli } from '../../lib/quantity.ts';
import { type ApiServer, startApiServer } from '../../packages/apiserver/index.ts';
import { startHubAndAgent } from '../integration/hub/pair.ts';
import { webDeployment, webSla } from '../integration/hub/web-service.ts';
import { Workload } from '../integration/hub/workload.ts';
import { waitFor } from '../support/wait-for.ts';
import { type CapturedLog, captureLog, metricValue, startFaultApiServer } from './support.ts';

const NS = 'default';
const NODE = 'node-1';
const HANG_MS = 45_000;
const WINDOW_MS = 2000;

const policy = {
  mode: 'Auto' as const,
  horizontal: {
    scaleUp: { windowSeconds: 1, stabilizationSeconds: 1 },
    scaleDown: { windowSeconds: 600, stabilizationSeconds: 600 },
  },
};

function renamed<T extends { metadata?: { name?: string } }>(obj: T, name: string): T {
  const copy = structuredClone(obj) as T & { spec: Record<string, unknown> };
  copy.metadata!.name = name;
  return copy;
}

/** The "slow" Deployment: web's template under another name and label. */
function slowDeployment(): k8s.V1Deployment {
  const d = renamed(webDeployment(1), 'slow');
  d.spec!.selector = { matchLabels: { app: 'slow' } };
  d.spec!.template.metadata = { labels: { app: 'slow' } };
  return d;
}

/** How many times `count` grew while `ms` passed. */
async function growthOver(count: () => Promise<number>, ms: number): Promise<number> {
  const before = await count();
  await new Promise((r) => setTimeout(r, ms));
  return (await count()) - before;
}

describe('a hung Kubernetes API call', () => {
  let api: ApiServer;
  let hub: RunningHub;
  let agent: RunningAgent;
  let workload: Workload;
  let clients: ReturnType<typeof kubeClients>;
  let hubLog: CapturedLog;
  let agentLog: CapturedLog;
  const crd = { group: GROUP, version: VERSION, namespace: NS };
  const podScales = async (sla: string) =>
    (
      (await clients.custom.listNamespacedCustomObject({ ...crd, plural: PODSCALE_PLURAL })) as {
        items: PodScale[];
      }
    ).items.filter((ps) => ps.spec.slaRef.name === sla);

  beforeAll(async () => {
    api = await startFaultApiServer(NODE);
    clients = kubeClients(api.kubeConfig());
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: webDeployment(2) });
    await clients.apps.createNamespacedDeployment({ namespace: NS, body: slowDeployment() });
    workload = new Workload(api);
    hubLog = captureLog();
    agentLog = captureLog();
    ({ hub, agent } = await startHubAndAgent(
      api,
      workload,
      NODE,
      ['--kube-timeout=1s'],
      ['--kube-timeout=1s'],
      '127.0.0.1',
      undefined,
      { hubLog: hubLog.log, agentLog: agentLog.log, agent: { nodeRefreshMs: 300 } },
    ));
  });

  afterAll(async () => {
    api?.faults.clear();
    await agent?.stop();
    await hub?.stop();
    await api?.stop();
  });

  it('on one target’s /scale: the hub loop keeps its period and serves the other SLA; the expiry is logged', async () => {
    api.faults.delay({ verb: 'get', resource: 'deployments/scale', name: 'slow', ms: HANG_MS });
    for (const [name, target] of [
      ['slow', 'slow'],
      ['web', 'web'],
    ] as const) {
      const body = renamed(webSla({ maxCpu: '1', maxReplicas: 4, policy }), name);
      body.spec.targetRef.name = target;
      await clients.custom.createNamespacedCustomObject({ ...crd, plural: SLA_PLURAL, body });
    }
    await waitFor('web tracked with 2 PodScales', async () => (await podScales('web')).length === 2, 10_000);
    const passes = await growthOver(
      () => metricValue(hub.metrics.registry, 'kosmos_hub_loop_step_seconds_count', { step: 'runOnce' }),
      WINDOW_MS,
    );
    // 10 passes fit in the window at a 200 ms period; a loop held by the hung call makes none.
    expect(passes).toBeGreaterThanOrEqual(6);
    expect(hub.board.service(NS, 'web')?.pods.length).toBe(2);
    await waitFor(
      'the expiry logged',
      () =>
        hubLog.find('Kubernetes API call timed out; abandoned', {
          verb: 'get',
          resource: 'deployments',
          subresource: 'scale',
          name: 'slow',
        }).length > 0,
    );
    expect(
      await metricValue(hub.metrics.registry, 'kosmos_hub_api_call_failures_total', {
        resource: 'deployments',
        reason: 'timeout',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('on the Node read and one pod’s resize: the agent keeps ticking, reports, and resizes the other pod', async () => {
    const [hung, other] = (await podScales('web')).map((ps) => ps.spec.podRef.name);
    api.faults.delay({ verb: 'get', resource: 'nodes', name: NODE, ms: HANG_MS });
    api.faults.delay({ verb: 'patch', resource: 'pods/resize', name: hung!, ms: HANG_MS });
    workload.totalRps = 200; // asks both web pods for more CPU
    await waitFor(
      'the other pod resized in place',
      async () => {
        const pod = await clients.core.readNamespacedPod({ name: other!, namespace: NS });
        return parseCpuMilli(pod.status?.containerStatuses?.[0]?.resources?.requests?.cpu ?? '0') > 200;
      },
      10_000,
    );
    const reportsBefore = hub.model.node(NODE)!.sequence;
    const ticks = await growthOver(
      () => metricValue(agent.metrics.registry, 'kosmos_agent_ticks_total', { outcome: 'ok' }),
      WINDOW_MS,
    );
    expect(ticks).toBeGreaterThanOrEqual(6);
    expect(hub.model.node(NODE)!.sequence - reportsBefore).toBeGreaterThanOrEqual(6);
    expect(agent.agent.health().live).toBe(true);
    await waitFor('both expiries logged', () => {
      const expired = agentLog.find('Kubernetes API call timed out; abandoned');
      return (
        expired.some((l) => l['resource'] === 'nodes') &&
        expired.some((l) => l['resource'] === 'pods' && l['subresource'] === 'resize' && l['name'] === hung)
      );
    });
  });
});

describe('a leader whose Lease calls hang', () => {
  it('steps down within the renew deadline, before its lease expires for the others', async () => {
    const api = await startApiServer({ nodes: 0 });
    const elector = new LeaderElector({
      // The client's own deadline (10 s) is longer than the lease: the elector's must cut it short.
      store: leaseStoreFor(
        withApiDeadlines(api.kubeConfig(), {
          requestTimeoutMs: 10_000,
          listTimeoutMs: 10_000,
          log: silentLogger(),
        }).makeApiClient(k8s.CoordinationV1Api),
      ),
      namespace: 'default',
      name: 'hub',
      identity: 'a',
      log: silentLogger(),
      timings: { leaseDurationSeconds: 2, renewDeadlineSeconds: 1.2, retryPeriodSeconds: 0.1 },
    });
    try {
      elector.start();
      await waitFor('leading', () => elector.isLeader(), 5000);
      api.faults.delay({ resource: 'leases', ms: HANG_MS });
      const hungAt = Date.now();
      await waitFor('stepped down', () => !elector.isLeader(), 3000, 10);
      // The last renewal was at or before hungAt: the others may take over 2 s after it.
      expect(Date.now() - hungAt).toBeLessThan(2000);
    } finally {
      api.faults.clear();
      await elector.stop();
      await api.stop();
    }
  });
});
