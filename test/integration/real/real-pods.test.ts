// The real node mode: a Deployment's pod runs as a real process (the sample app) in a kubelet-shaped
// cgroup with the CFS quota and memory limit of its limits, on its own loopback IP; an in-place
// resize rewrites the quota; the agent's real reader, pointed at the run's tree, reads its usage;
// a Terminating pod's process gets SIGTERM, then SIGKILL at its grace period; deleting the pod kills
// the process and removes its cgroups. Skips only where cgroups are not writable.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectCgroupLayout } from '../../../agent/src/cgroup/layout-detect.ts';
import { createCgroupReader } from '../../../agent/src/cgroup/reader.ts';
import type { kubeClients } from '../../../lib/kube.ts';
import { silentLogger } from '../../../lib/log.ts';
import { realCgroupsUnavailable } from '../../../sim/node/real/cgroup-tree.ts';
import type { RealCluster } from '../../../sim/node/real/real-cluster.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startRealWeb } from './real-web.ts';

const unavailable = realCgroupsUnavailable();
if (unavailable) console.warn(`real-pods: skipped, real cgroups are not usable here: ${unavailable}`);
const NS = 'default';
/** The sample app on the pod's own address, as a pod command (the kubelet puts POD_IP and PORT in its env). */
const SAMPLE_APP_COMMAND = [
  '/bin/sh',
  '-c',
  'exec "$0" "$1" --host "$POD_IP" --port "$PORT"',
  process.execPath,
  new URL('../../../sample/app.ts', import.meta.url).pathname,
];
/** Serves /healthz on the pod's address, notes SIGTERM in $MARK and carries on. */
const STUBBORN_SERVER = [
  "const fs = require('node:fs');",
  "process.on('SIGTERM', () => fs.appendFileSync(process.env.MARK, 'TERM\\n'));",
  "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.POD_IP);",
].join(' ');

describe.skipIf(unavailable !== undefined)('real pods: processes in real cgroups', () => {
  let cluster: RealCluster;
  let clients: ReturnType<typeof kubeClients>;
  let pod: V1Pod;

  const cpuRoot = () => cluster.tree.layout('node-1').hierarchies.cpu;
  const groupOf = (p: V1Pod) =>
    cluster.tree.groupOf(
      { node: 'node-1', uid: p.metadata!.uid!, qosClass: 'Burstable' },
      p.status!.containerStatuses![0]!.containerID!,
    );
  const read = (hierarchyRoot: string, rel: string, file: string) =>
    readFileSync(path.join(hierarchyRoot, rel, file), 'utf8').trim();

  beforeAll(async () => {
    ({ cluster, clients, pod } = await startRealWeb(
      { requests: { cpu: '200m', memory: '128Mi' }, limits: { cpu: '300m', memory: '256Mi' } },
      ['--cpu-per-request-ms', '5'],
    ));
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs the container in its pod cgroup with the quota and memory limit of its limits', async () => {
    const group = groupOf(pod);
    expect(group).toMatch(/\/node-1\/kubepods\/burstable\/pod[0-9a-f-]+\/[0-9a-f]{64}$/);
    expect(read(cpuRoot(), group, 'cpu.cfs_quota_us')).toBe('30000');
    expect(read(cluster.tree.layout('node-1').hierarchies.memory, group, 'memory.limit_in_bytes')).toBe(
      String(256 * 1024 * 1024),
    );
    const pids = read(cpuRoot(), group, 'cgroup.procs').split('\n').filter(Boolean);
    expect(pids.length).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8')).toContain('sample/app.ts');
    // the pod serves on its own loopback address
    expect(pod.status?.podIP).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(pod.status?.podIP).not.toBe('127.0.0.1');
    const res = await fetch(`http://${pod.status!.podIP}:8080/work`);
    expect(res.headers.get('x-backend')).toBe(pod.metadata!.name);
  });

  it('an enacted in-place resize rewrites the CFS quota and the container status', async () => {
    await clients.core.patchNamespacedPodResize(
      {
        name: pod.metadata!.name!,
        namespace: NS,
        body: {
          spec: {
            containers: [{ name: 'app', resources: { requests: { cpu: '400m' }, limits: { cpu: '600m' } } }],
          },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    const resized = await waitFor('the resize enacted', async () => {
      const p = await clients.core.readNamespacedPod({ name: pod.metadata!.name!, namespace: NS });
      return p.status?.containerStatuses?.[0]?.resources?.limits?.['cpu'] === '600m' ? p : undefined;
    });
    expect(read(cpuRoot(), groupOf(resized), 'cpu.cfs_quota_us')).toBe('60000');
    expect(read(cpuRoot(), path.dirname(groupOf(resized)), 'cpu.cfs_quota_us')).toBe('60000');
  });

  it("the agent's real reader reads the pod's usage through the run's mount view", async () => {
    const flags = cluster.agentCgroupFlags('node-1');
    const mount = flags[0]!.split('=')[1]!;
    const kubeletRoot = flags[1]!.split('=')[1]!;
    const layout = await detectCgroupLayout({ root: mount, cgroupRoot: kubeletRoot });
    expect(layout.version).toBe('v1');
    expect(layout.kubepodsDir).toBe(`${kubeletRoot.slice(1)}/kubepods`);
    const reader = createCgroupReader({ layout, logger: silentLogger() });
    const target = {
      key: 'k',
      uid: pod.metadata!.uid!,
      qosClass: 'Burstable' as const,
      containerId: pod.status!.containerStatuses![0]!.containerID!,
    };
    expect((await reader.sample([target], performance.now()))[0]?.status).toBe('priming');
    // 40 requests of 5 ms CPU each: the container used CPU the reader must see
    await Promise.all(
      Array.from({ length: 40 }, () => fetch(`http://${pod.status!.podIP}:8080/work`).then((r) => r.text())),
    );
    const result = (await reader.sample([target], performance.now()))[0];
    if (result?.status !== 'ok') throw new Error(`expected usage, got ${JSON.stringify(result)}`);
    expect(result.usage.cpuUsageMilli).toBeGreaterThan(0);
    expect(result.usage.memoryWorkingSetBytes).toBeGreaterThan(1024 * 1024);
  });

  /** A bare pod running `command` (1 core node: 50m each), Running; its process id. */
  async function runningPod(
    name: string,
    graceSeconds: number,
    command: string[],
    env: Record<string, string>,
  ) {
    await clients.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name },
        spec: {
          terminationGracePeriodSeconds: graceSeconds,
          containers: [
            {
              name: 'app',
              image: 'kosmos/test',
              command,
              env: Object.entries(env).map(([n, value]) => ({ name: n, value })),
              ports: [{ containerPort: 8080 }],
              resources: {
                requests: { cpu: '50m', memory: '64Mi' },
                limits: { cpu: '100m', memory: '128Mi' },
              },
            },
          ],
        },
      },
    });
    const p = await waitFor(
      `${name} Running`,
      async () => {
        const p = await clients.core.readNamespacedPod({ name, namespace: NS });
        return p.status?.phase === 'Running' ? p : undefined;
      },
      30_000,
    );
    return Number(read(cpuRoot(), groupOf(p), 'cgroup.procs').split('\n')[0]);
  }

  const podGone = (name: string) => () =>
    clients.core.readNamespacedPod({ name, namespace: NS }).then(
      () => false,
      (err) => (err as { code?: number }).code === 404,
    );

  it('a Terminating pod gets SIGTERM and goes as soon as its process exits, long before its grace period', async () => {
    const pid = await runningPod('term-fast', 30, SAMPLE_APP_COMMAND, {});
    const deletedAt = Date.now();
    // The DELETE answers with the pod as it now stands (a read after it may already find it gone:
    // the sample app exits within milliseconds of its SIGTERM).
    const terminating = await clients.core.deleteNamespacedPod({ name: 'term-fast', namespace: NS });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    await waitFor('the pod removed', podGone('term-fast'), 15_000);
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    // the sample app drains and exits on SIGTERM: nowhere near the 30 s grace period
    expect(Date.now() - deletedAt).toBeLessThan(15_000);
  });

  it('a process that ignores SIGTERM is killed with SIGKILL at the grace period, then the pod goes', async () => {
    const mark = path.join(mkdtempSync(path.join(tmpdir(), 'kosmos-term-')), 'signals');
    const pid = await runningPod('term-stubborn', 3, [process.execPath, '-e', STUBBORN_SERVER], {
      MARK: mark,
    });
    const deletedAt = Date.now();
    await clients.core.deleteNamespacedPod({ name: 'term-stubborn', namespace: NS });
    await waitFor(
      'SIGTERM received',
      () => existsSync(mark) && readFileSync(mark, 'utf8').includes('TERM'),
      5000,
    );
    // still Terminating and alive while the grace period runs
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    expect(
      (await clients.core.readNamespacedPod({ name: 'term-stubborn', namespace: NS })).metadata
        ?.deletionTimestamp,
    ).toBeDefined();
    await waitFor('the pod removed', podGone('term-stubborn'), 10_000, 20);
    const tookMs = Date.now() - deletedAt;
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    // killed at the 3 s grace period, not removed by the kubelet's fallback at grace + 2 s
    expect(tookMs).toBeGreaterThanOrEqual(2900);
    expect(tookMs).toBeLessThan(4800);
  });

  it('deleting the pod kills its process and removes its cgroups', async () => {
    const current = await clients.core.readNamespacedPod({ name: pod.metadata!.name!, namespace: NS });
    const group = groupOf(current);
    const pid = Number(read(cpuRoot(), group, 'cgroup.procs').split('\n')[0]);
    await clients.apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: NS, body: { spec: { replicas: 0 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor('the process gone', () => !existsSync(`/proc/${pid}`), 10_000);
    await waitFor(
      'the pod cgroup removed',
      () => !existsSync(path.join(cpuRoot(), path.dirname(group))),
      10_000,
    );
  });
});
