import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { QosClass } from '../../../../agent/src/cgroup/layout.ts';
import { detectCgroupLayout } from '../../../../agent/src/cgroup/layout-detect.ts';
import {
  createCgroupReader,
  type UsageResult,
  type UsageTarget,
} from '../../../../agent/src/cgroup/reader.ts';
import { createLogger, silentLogger } from '../../../../lib/log.ts';
import { createTempCgroupRoot, type TempCgroupRoot } from '../../../../sim/node/cgroup-root.ts';
import {
  type CgroupWriterOptions,
  containerKey,
  createCgroupWriter,
} from '../../../../sim/node/cgroup-writer.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/cgroup');
const MiB = 1024 * 1024;
const roots: TempCgroupRoot[] = [];

async function tempRoot(): Promise<string> {
  const root = await createTempCgroupRoot();
  roots.push(root);
  return root.path;
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => root.remove()));
});

const byKey = (results: UsageResult[]) => new Map(results.map((r) => [r.key, r]));

function okUsage(result: UsageResult | undefined) {
  if (result?.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.usage;
}

const POD: { uid: string; qosClass: QosClass } = {
  uid: '0b7c4d2e-1111-4222-8333-944455566677',
  qosClass: 'Burstable',
};
const APP_ID = `containerd://${'a1'.repeat(32)}`;
const SIDECAR_ID = `containerd://${'b2'.repeat(32)}`;

async function simulatedNode(options: Omit<CgroupWriterOptions, 'root'>, qosClass: QosClass = 'Burstable') {
  const root = await tempRoot();
  const pod = { ...POD, qosClass };
  const runtimeScheme = { containerd: 'containerd', crio: 'cri-o', docker: 'docker' }[
    options.runtime ?? 'containerd'
  ];
  const ids = [APP_ID, SIDECAR_ID].map((id) => id.replace('containerd', runtimeScheme));
  const writer = await createCgroupWriter({ root, ...options });
  await writer.ensurePod({
    ...pod,
    containers: [
      { name: 'app', containerId: ids[0] as string, cpuLimitMilli: 1000 },
      { name: 'sidecar', containerId: ids[1] as string },
    ],
  });
  const layout = await detectCgroupLayout({ root });
  const targets: UsageTarget[] = [
    { key: 'app', ...pod, containerId: ids[0] as string },
    { key: 'sidecar', ...pod, containerId: ids[1] as string },
    { key: 'pod', ...pod },
  ];
  return { root, writer, layout, targets };
}

describe('CgroupReader on each kubelet layout', () => {
  it.each<[string, Omit<CgroupWriterOptions, 'root'>, QosClass?]>([
    ['v2 systemd containerd', { version: 'v2', driver: 'systemd', runtime: 'containerd' }],
    ['a v2 Guaranteed pod directly under kubepods', { version: 'v2', driver: 'systemd' }, 'Guaranteed'],
    ['a v1 cgroupfs BestEffort pod', { version: 'v1', driver: 'cgroupfs' }, 'BestEffort'],
    ['v2 systemd crio', { version: 'v2', driver: 'systemd', runtime: 'crio' }],
    ['v2 cgroupfs', { version: 'v2', driver: 'cgroupfs', runtime: 'containerd' }],
    ['v1 systemd docker', { version: 'v1', driver: 'systemd', runtime: 'docker' }],
    ['v1 cgroupfs', { version: 'v1', driver: 'cgroupfs', runtime: 'containerd' }],
    ['non-default root', { version: 'v2', driver: 'systemd', cgroupRoot: '/kubelet' }],
    ['v2 files changed in place', { version: 'v2', driver: 'systemd', update: 'in-place' }],
    ['v1 files changed in place', { version: 'v1', driver: 'cgroupfs', update: 'in-place' }],
  ])(
    'measures CPU rate, throttling and working set on %s after a priming tick',
    async (_name, options, qosClass) => {
      const { writer, layout, targets } = await simulatedNode(options, qosClass);
      const reader = createCgroupReader({ layout, logger: silentLogger() });
      const first = byKey(await reader.sample(targets, 10_000));
      expect([...first.values()].map((r) => r.status)).toEqual(['priming', 'priming', 'priming']);

      await writer.advance(containerKey(POD.uid, 'app'), {
        cpuUsedMilliSeconds: 1500,
        periods: 20,
        throttledPeriods: 5,
        memoryBytes: 100 * MiB,
        pageCacheBytes: 30 * MiB,
      });
      await writer.advance(containerKey(POD.uid, 'sidecar'), {
        cpuUsedMilliSeconds: 500,
        memoryBytes: 20 * MiB,
      });
      const second = byKey(await reader.sample(targets, 12_000));
      const app = okUsage(second.get('app'));
      expect(app.cpuUsageMilli).toBeCloseTo(750, 6);
      expect(app.throttledRatio).toBeCloseTo(0.25, 6);
      expect(app.memoryWorkingSetBytes).toBe(100 * MiB);
      expect(app.windowSeconds).toBe(2);
      const pod = okUsage(second.get('pod'));
      expect(pod.cpuUsageMilli).toBeCloseTo(1000, 6);
      expect(pod.memoryWorkingSetBytes).toBe(120 * MiB);
      expect(okUsage(second.get('sidecar')).throttledRatio).toBe(0);
      if (options.version === 'v2') expect(app.psiSomeAvg10).toBeGreaterThan(0);
      else expect(app.psiSomeAvg10).toBeUndefined();
    },
  );
});

describe('CgroupReader failure modes', () => {
  it('skips a pod whose cgroup vanished, with a debug log, and keeps reading the others', async () => {
    const { writer, layout, targets } = await simulatedNode({});
    await writer.ensurePod({
      uid: 'other-pod',
      qosClass: 'BestEffort',
      containers: [{ name: 'c', containerId: 'cafe' }],
    });
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const reader = createCgroupReader({
      layout,
      logger: createLogger({ level: 'debug', destination: stream }),
    });
    const other: UsageTarget = {
      key: 'other',
      uid: 'other-pod',
      qosClass: 'BestEffort',
      containerId: 'containerd://cafe',
    };
    await reader.sample([...targets, other], 0);
    await writer.removePod(POD.uid);
    const results = byKey(await reader.sample([...targets, other], 1000));
    for (const key of ['app', 'sidecar', 'pod']) {
      expect(results.get(key)).toMatchObject({
        status: 'skipped',
        reason: expect.stringMatching(/vanished/),
      });
    }
    expect(results.get('other')?.status).toBe('ok');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(
      lines.some((line) => line.includes('"level":"debug"') && line.includes('cgroup skipped this tick')),
    ).toBe(true);
  });

  it('skips torn and garbage files of one container without affecting its siblings', async () => {
    const root = path.join(FIXTURES, 'v2-systemd-crio');
    const layout = await detectCgroupLayout({ root });
    const pod = { uid: '0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a', qosClass: 'BestEffort' as const };
    const id = (first: string) =>
      `cri-o://${first}11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233`;
    const targets: UsageTarget[] = [
      { key: 'healthy', ...pod, containerId: id('aa') },
      { key: 'truncated', ...pod, containerId: id('bb') },
      { key: 'garbage', ...pod, containerId: id('cc') },
    ];
    const results = byKey(await createCgroupReader({ layout, logger: silentLogger() }).sample(targets, 0));
    expect(results.get('healthy')).toEqual({
      key: 'healthy',
      status: 'priming',
      memoryWorkingSetBytes: 62914560,
    });
    expect(results.get('truncated')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/garbage.*nr_periods/),
    });
    expect(results.get('garbage')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/garbage.*memory\.stat/),
    });
  });

  it('re-primes when counters go backwards (cgroup recreated under the same name)', async () => {
    const root = await tempRoot();
    await cp(path.join(FIXTURES, 'v1-cgroupfs-docker'), root, { recursive: true });
    const layout = await detectCgroupLayout({ root });
    const uid = '1f0e3c2a-7b4d-4e5f-9a8b-0c1d2e3f4a5b';
    const cid = '3b5e8f0a1c2d4e6f8a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f';
    const usageFile = path.join(root, 'cpu,cpuacct/kubepods/burstable', `pod${uid}`, cid, 'cpuacct.usage');
    const target: UsageTarget = { key: 'c', uid, qosClass: 'Burstable', containerId: `docker://${cid}` };
    const reader = createCgroupReader({ layout, logger: silentLogger() });
    expect((await reader.sample([target], 0))[0]).toMatchObject({
      status: 'priming',
      memoryWorkingSetBytes: 157286400,
    });
    await writeFile(usageFile, `${5_000_000_000 + 1_000_000_000}\n`);
    expect(okUsage((await reader.sample([target], 2000))[0]).cpuUsageMilli).toBeCloseTo(500, 6);
    await writeFile(usageFile, '1000\n');
    expect((await reader.sample([target], 3000))[0]?.status).toBe('priming');
    await writeFile(usageFile, '100001000\n');
    expect(okUsage((await reader.sample([target], 4000))[0]).cpuUsageMilli).toBeCloseTo(100, 6);
  });

  it('finds a container by listing its pod cgroup when the runtime is unknown', async () => {
    const { writer, layout } = await simulatedNode({ version: 'v2', driver: 'systemd', runtime: 'docker' });
    const unknownRuntime = { ...layout, runtime: undefined };
    const bare = APP_ID.replace('containerd://', '');
    const target: UsageTarget = { key: 'app', ...POD, containerId: bare };
    const reader = createCgroupReader({ layout: unknownRuntime, logger: silentLogger() });
    expect((await reader.sample([target], 0))[0]?.status).toBe('priming');
    await writer.advance(containerKey(POD.uid, 'app'), { cpuUsedMilliSeconds: 250 });
    expect(okUsage((await reader.sample([target], 1000))[0]).cpuUsageMilli).toBeCloseTo(250, 6);
  });

  it('reads 110 pods in one tick', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root });
    const targets: UsageTarget[] = [];
    for (let i = 0; i < 110; i++) {
      const uid = `pod-${i}`;
      await writer.ensurePod({
        uid,
        qosClass: 'Burstable',
        containers: [{ name: 'app', containerId: `c${i}` }],
      });
      targets.push({ key: uid, uid, qosClass: 'Burstable', containerId: `containerd://c${i}` });
    }
    const reader = createCgroupReader({ layout: await detectCgroupLayout({ root }), logger: silentLogger() });
    await reader.sample(targets, 0);
    await Promise.all(
      targets.map((t) => writer.advance(containerKey(t.uid, 'app'), { cpuUsedMilliSeconds: 100 })),
    );
    const started = performance.now();
    const results = await reader.sample(targets, 1000);
    const elapsedMs = performance.now() - started;
    expect(results.every((r) => r.status === 'ok' && Math.abs(r.usage.cpuUsageMilli - 100) < 1e-6)).toBe(
      true,
    );
    expect(elapsedMs).toBeLessThan(1000);
  });
});
