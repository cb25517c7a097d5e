// The agent's real code against the embedded API server, a simulated cgroup root and a test hub
// on loopback: discovery, usage, arbitration, resize through pods/resize, Infeasible, fail-static.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../agent/src/config.ts';
import { type RunningAgent, startAgent } from '../../../agent/src/start.ts';
import { GROUP, PODSCALE_PLURAL, type PodScale, VERSION } from '../../../lib/api/types.ts';
import { kubeClients } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { type ApiServer, startApiServer } from '../../../packages/apiserver/index.ts';
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport__Output } from '../../../proto/gen/kosmos/v1/PodReport.ts';
import { createTempCgroupRoot, type TempCgroupRoot } from '../../../sim/node/cgroup-root.ts';
import { type CgroupWriter, containerKey, createCgroupWriter } from '../../../sim/node/cgroup-writer.ts';
import { waitFor } from '../../support/wait-for.ts';
import { type DirectiveFn, TestHub } from './test-hub.ts';

const NODE = 'node-1';
const NS = 'default';

function podManifest(name: string, resources: k8s.V1ResourceRequirements): k8s.V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: { nodeName: NODE, containers: [{ name: 'app', image: 'sample:1', resources }] },
  };
}

function podIn(report: NodeReport__Output | undefined, name: string): PodReport__Output | undefined {
  return report?.pods.find((p) => p.name === name);
}

/** A proportional directive asking each reported pod for the CPU named for it. */
function proportionalCpu(cpuMilliByName: Record<string, number>): DirectiveFn {
  return (r) => ({
    policy: 'ARBITRATION_POLICY_PROPORTIONAL',
    pods: r.pods.map((p) => ({
      uid: p.uid,
      namespace: p.namespace,
      name: p.name,
      container: p.container,
      desired: { cpuMilli: cpuMilliByName[p.name] ?? 0, memoryBytes: 0 },
    })),
  });
}

describe('agent against the embedded cluster and a test hub', () => {
  let api: ApiServer;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;
  let cgroupRoot: TempCgroupRoot;
  let cgroups: CgroupWriter;
  let hub: TestHub;
  let agent: RunningAgent;
  let usageTimer: NodeJS.Timeout;
  const uids = new Map<string, string>();

  beforeAll(async () => {
    api = await startApiServer({
      crdDir: 'deploy/crds',
      nodes: [{ name: NODE, cpu: '4', memory: '8Gi' }],
      podStartDelayMs: 5,
      resizeDelayMs: 10,
    });
    ({ core, custom } = kubeClients(api.kubeConfig()));
    await core.createNamespacedPod({
      namespace: NS,
      body: podManifest('web-a', {
        requests: { cpu: '500m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '256Mi' },
      }),
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: podManifest('web-b', {
        requests: { cpu: '500m', memory: '256Mi' },
        limits: { cpu: '1', memory: '512Mi' },
      }),
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: podManifest('batch', { requests: { cpu: '1', memory: '1Gi' } }),
    });
    cgroupRoot = await createTempCgroupRoot();
    cgroups = await createCgroupWriter({ root: cgroupRoot.path, version: 'v2', driver: 'systemd' });
    for (const name of ['web-a', 'web-b', 'batch']) {
      const pod = await waitFor(`${name} running`, async () => {
        const p = await core.readNamespacedPod({ name, namespace: NS });
        return p.status?.containerStatuses?.[0]?.containerID ? p : undefined;
      });
      uids.set(name, pod.metadata!.uid!);
      await cgroups.ensurePod({
        uid: pod.metadata!.uid!,
        qosClass: pod.status!.qosClass as 'Guaranteed' | 'Burstable',
        containers: [{ name: 'app', containerId: pod.status!.containerStatuses![0]!.containerID! }],
      });
    }
    // web-a burns 400m, web-b 200m: advance the fake counters in real time.
    let last = Date.now();
    usageTimer = setInterval(() => {
      const now = Date.now();
      const dt = now - last;
      last = now;
      void cgroups.advance(containerKey(uids.get('web-a')!, 'app'), {
        cpuUsedMilliSeconds: 0.4 * dt,
        memoryBytes: 100 * 2 ** 20,
      });
      void cgroups.advance(containerKey(uids.get('web-b')!, 'app'), {
        cpuUsedMilliSeconds: 0.2 * dt,
        memoryBytes: 80 * 2 ** 20,
      });
    }, 25);
    for (const name of ['web-a', 'web-b']) {
      const body: PodScale = {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'PodScale',
        metadata: { name, namespace: NS },
        spec: {
          podRef: { name, uid: uids.get(name)! },
          slaRef: { name: 'web' },
          container: 'app',
          nodeName: NODE,
          desired: { cpu: '500m', memory: '256Mi' },
        },
      };
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: PODSCALE_PLURAL,
        body,
      });
    }
    hub = new TestHub();
    await hub.start();
    const config = parseAgentConfig([
      `--node-name=${NODE}`,
      `--hub-address=127.0.0.1:${hub.port}`,
      `--kube-server=${api.url}`,
      `--cgroup-root=${cgroupRoot.path}`,
      '--tick=100ms',
      '--directive-wait=80ms',
      '--health-port=0',
      '--bind-address=127.0.0.1',
      '--write-qps=100',
      '--write-burst=100',
    ]);
    agent = await startAgent(config, {
      log: silentLogger(),
      hubBackoff: { initialMs: 50, maxMs: 200, factor: 2 },
      nodeRefreshMs: 600_000,
    });
  });

  afterAll(async () => {
    clearInterval(usageTimer);
    await agent?.stop();
    hub?.stop();
    await api?.stop();
    await cgroupRoot?.remove();
  });

  it('discovers the tracked pods on its node, reads their usage from cgroups and reports the untracked requests', async () => {
    // Rates come from counter deltas between ticks; the fixture writes them in real time, so
    // wait for a window where both pods show the CPU they burn (400m / 200m).
    const near = (v: number | undefined, target: number) =>
      v !== undefined && Math.abs(v - target) < target * 0.35;
    const report = await waitFor('a report with the cgroup usage of both tracked pods', () => {
      const r = hub.lastReport();
      const a = podIn(r, 'web-a');
      const b = podIn(r, 'web-b');
      return a?.usageValid && b?.usageValid && near(a.cpuUsageMilli, 400) && near(b.cpuUsageMilli, 200)
        ? r
        : undefined;
    });
    expect(hub.hellos[0]).toMatchObject({ nodeName: NODE, protocolVersion: 1 });
    expect(report.pods.map((p) => p.name).sort()).toEqual(['web-a', 'web-b']);
    expect(report.allocatable).toEqual({ cpuMilli: 4000, memoryBytes: 8 * 2 ** 30 });
    expect(report.untrackedRequests).toEqual({ cpuMilli: 1000, memoryBytes: 2 ** 30 });
    expect(podIn(report, 'web-a')!.memoryWorkingSetBytes).toBe(100 * 2 ** 20);
    expect(podIn(report, 'web-a')!.enacted).toEqual({ cpuMilli: 500, memoryBytes: 256 * 2 ** 20 });
  });

  it('arbitrates a directive larger than the node and resizes through pods/resize, keeping QoS', async () => {
    hub.directive = proportionalCpu({ 'web-a': 3000, 'web-b': 2000 });
    // capacity 4000m − 1000m untracked = 3000m, shared 3:2 → 1800m / 1200m.
    const report = await waitFor('both resizes enacted', () => {
      const r = hub.lastReport();
      return podIn(r, 'web-a')?.enacted?.cpuMilli === 1800 && podIn(r, 'web-b')?.enacted?.cpuMilli === 1200
        ? r
        : undefined;
    });
    expect(podIn(report, 'web-a')).toMatchObject({
      capReason: 'CAP_REASON_NODE_CONTENTION',
      capped: { cpuMilli: 1800, memoryBytes: 0 },
      resizeState: 'RESIZE_STATE_NONE',
    });
    const a = await core.readNamespacedPod({ name: 'web-a', namespace: NS });
    expect(a.spec!.containers[0]!.resources).toMatchObject({
      requests: { cpu: '1800m' },
      limits: { cpu: '1800m' },
    });
    expect(a.status!.qosClass).toBe('Guaranteed');
    const b = await core.readNamespacedPod({ name: 'web-b', namespace: NS });
    expect(b.spec!.containers[0]!.resources).toMatchObject({
      requests: { cpu: '1200m' },
      limits: { cpu: '2400m' },
    });
    expect(api.requestCounts().get('patch pods/resize')).toBeGreaterThanOrEqual(2);
    const status = await waitFor('PodScale status written', async () => {
      const ps = (await custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: PODSCALE_PLURAL,
        name: 'web-a',
      })) as PodScale;
      return ps.status?.actual?.cpu === '1800m' ? ps.status : undefined;
    });
    expect(status.capped).toMatchObject({ cpu: '1800m', reason: 'NodeContention' });
    expect(status.conditions?.find((c) => c.type === 'Enacted')?.status).toBe('True');
  });

  it('reports an Infeasible resize as capped with that reason, in the report and the PodScale', async () => {
    // The node shrinks under the agent's cached view: the kubelet now refuses what the agent grants.
    await core.patchNodeStatus(
      { name: NODE, body: { status: { allocatable: { cpu: '1500m' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    hub.directive = proportionalCpu({ 'web-a': 2500, 'web-b': 500 });
    const pod = await waitFor('web-a infeasible', () => {
      const p = podIn(hub.lastReport(), 'web-a');
      return p?.capReason === 'CAP_REASON_RESIZE_INFEASIBLE' ? p : undefined;
    });
    expect(pod.resizeState).toBe('RESIZE_STATE_INFEASIBLE');
    // The agent granted 2500m (fits its view: 3000m free); the kubelet keeps the 1800m it has.
    expect(pod.capped?.cpuMilli).toBe(1800);
    const spec = await core.readNamespacedPod({ name: 'web-a', namespace: NS });
    expect(spec.spec!.containers[0]!.resources!.requests!['cpu']).toBe('2500m');
    expect(pod.enacted?.cpuMilli).toBe(1800);
    const status = await waitFor('PodScale capped Infeasible', async () => {
      const ps = (await custom.getNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: PODSCALE_PLURAL,
        name: 'web-a',
      })) as PodScale;
      return ps.status?.capped?.reason === 'ResizeInfeasible' ? ps.status : undefined;
    });
    expect(status.conditions?.find((c) => c.type === 'Enacted')).toMatchObject({
      status: 'False',
      reason: 'ResizeInfeasible',
    });
    // Asked once: the same Infeasible request is not re-sent every tick.
    const patches = api.requestCounts().get('patch pods/resize');
    const ticks = hub.reports.length;
    await waitFor('five more ticks', () => hub.reports.length >= ticks + 5);
    expect(api.requestCounts().get('patch pods/resize')).toBe(patches);
  });

  it('holds the allocations while the hub is away, says so in /healthz, and reconnects when it returns', async () => {
    const before = await core.readNamespacedPod({ name: 'web-b', namespace: NS });
    const port = hub.port;
    const hellos = hub.hellos.length;
    const patches = api.requestCounts().get('patch pods/resize');
    hub.stop();
    const health = await waitFor('healthz reports fail-static', async () => {
      const res = await fetch(`http://127.0.0.1:${agent.health.port}/healthz`);
      const body = (await res.json()) as { failStatic?: boolean; hub?: string };
      return res.status === 200 && body.failStatic ? body : undefined;
    });
    expect(health.hub).not.toBe('connected');
    const ticked = await agent.metrics.ticks.get();
    const ticksBefore = ticked.values.find((v) => v.labels.outcome === 'ok')?.value ?? 0;
    await waitFor('the loop keeps ticking without the hub', async () => {
      const m = await agent.metrics.ticks.get();
      return (m.values.find((v) => v.labels.outcome === 'ok')?.value ?? 0) >= ticksBefore + 5;
    });
    const during = await core.readNamespacedPod({ name: 'web-b', namespace: NS });
    expect(during.spec!.containers[0]!.resources).toEqual(before.spec!.containers[0]!.resources);
    expect(api.requestCounts().get('patch pods/resize')).toBe(patches);

    hub.directive = () => ({ pods: [] });
    await hub.start(port);
    const back = await waitFor('a report after reconnecting', () =>
      hub.hellos.length > hellos ? hub.reports.find((r) => r.hubWasUnreachable) : undefined,
    );
    expect(back.nodeName).toBe(NODE);
    const metricsText = await (await fetch(`http://127.0.0.1:${agent.health.port}/metrics`)).text();
    expect(metricsText).toContain('kosmos_agent_hub_connection_state{state="connected"} 1');
    expect(metricsText).toMatch(/kosmos_agent_resize_requests_total\{outcome="applied"\} [1-9]/);
    expect(metricsText).toContain('kosmos_agent_step_duration_seconds_count{step="cgroup_read"}');
  });
});
