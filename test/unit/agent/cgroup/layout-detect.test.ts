import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CgroupLayout, containerCgroupDir, podCgroupDir } from '../../../../agent/src/cgroup/layout.ts';
import { CgroupLayoutError, detectCgroupLayout } from '../../../../agent/src/cgroup/layout-detect.ts';
import { createTempCgroupRoot, type TempCgroupRoot } from '../../../../sim/node/cgroup-root.ts';
import { type CgroupWriterOptions, createCgroupWriter } from '../../../../sim/node/cgroup-writer.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/cgroup');
const UID = '1f0e3c2a-7b4d-4e5f-9a8b-0c1d2e3f4a5b';
const roots: TempCgroupRoot[] = [];

async function tempRoot(): Promise<string> {
  const root = await createTempCgroupRoot();
  roots.push(root);
  return root.path;
}

afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => root.remove()));
});

type Case = Omit<CgroupWriterOptions, 'root'>;

describe('detectCgroupLayout on simulated kubelet trees', () => {
  it.each<[string, Case]>([
    ['v2 systemd containerd', { version: 'v2', driver: 'systemd', runtime: 'containerd' }],
    ['v2 systemd crio', { version: 'v2', driver: 'systemd', runtime: 'crio' }],
    ['v2 cgroupfs containerd', { version: 'v2', driver: 'cgroupfs', runtime: 'containerd' }],
    ['v1 systemd docker', { version: 'v1', driver: 'systemd', runtime: 'docker' }],
    ['v1 cgroupfs crio', { version: 'v1', driver: 'cgroupfs', runtime: 'crio' }],
    ['v2 systemd with --cgroup-root=/kubelet', { version: 'v2', driver: 'systemd', cgroupRoot: '/kubelet' }],
    [
      'v1 cgroupfs with --cgroup-root=/custom/k8s',
      { version: 'v1', driver: 'cgroupfs', cgroupRoot: '/custom/k8s' },
    ],
  ])('finds version, driver, kubepods and runtime of %s', async (_name, options) => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root, ...options });
    await writer.ensurePod({
      uid: UID,
      qosClass: 'Burstable',
      containers: [{ name: 'app', containerId: `${'a'.repeat(64)}` }],
    });
    const detected = await detectCgroupLayout({ root });
    expect(detected).toMatchObject({
      version: writer.layout.version,
      driver: writer.layout.driver,
      kubepodsDir: writer.layout.kubepodsDir,
      features: { cpuThrottling: true, memory: true },
    });
    // cgroupfs names containerd/docker containers by bare id: nothing to detect the runtime from
    const expectedRuntime =
      options.driver === 'cgroupfs' && options.runtime !== 'crio'
        ? undefined
        : (options.runtime ?? 'containerd');
    expect(detected.runtime).toBe(expectedRuntime);
    expect(detected.hierarchies.pressure === undefined).toBe(options.version === 'v1');
  });

  it('accepts an explicit --cgroup-root and still verifies it exists', async () => {
    const root = await tempRoot();
    await createCgroupWriter({ root, version: 'v2', driver: 'systemd', cgroupRoot: '/kubelet' });
    expect((await detectCgroupLayout({ root, cgroupRoot: '/kubelet' })).kubepodsDir).toBe(
      'kubelet.slice/kubelet-kubepods.slice',
    );
    await expect(detectCgroupLayout({ root, cgroupRoot: '/other' })).rejects.toThrow(/other\.slice/);
  });
});

describe('detectCgroupLayout on hand-written node trees', () => {
  it('detects v1 cgroupfs with docker bare-id containers and no PSI', async () => {
    const layout = await detectCgroupLayout({ root: path.join(FIXTURES, 'v1-cgroupfs-docker') });
    expect(layout).toEqual<CgroupLayout>({
      version: 'v1',
      driver: 'cgroupfs',
      runtime: undefined,
      hierarchies: {
        cpu: path.join(FIXTURES, 'v1-cgroupfs-docker/cpu,cpuacct'),
        cpuacct: path.join(FIXTURES, 'v1-cgroupfs-docker/cpu,cpuacct'),
        memory: path.join(FIXTURES, 'v1-cgroupfs-docker/memory'),
      },
      kubepodsDir: 'kubepods',
      features: { cpuThrottling: true, memory: true },
    });
  });

  it('detects v2 systemd CRI-O (ignoring conmon scopes) with PSI', async () => {
    const root = path.join(FIXTURES, 'v2-systemd-crio');
    const layout = await detectCgroupLayout({ root });
    expect(layout).toMatchObject({
      version: 'v2',
      driver: 'systemd',
      runtime: 'crio',
      kubepodsDir: 'kubepods.slice',
    });
    expect(layout.hierarchies.pressure).toBe(root);
  });

  it('detects a bare cgroup2 mount without cpu and memory controllers', async () => {
    const root = await tempRoot();
    await cp(path.join(FIXTURES, 'v2-systemd-crio'), root, { recursive: true });
    await writeFile(path.join(root, 'kubepods.slice/cgroup.controllers'), '\n');
    expect((await detectCgroupLayout({ root })).features).toEqual({ cpuThrottling: false, memory: false });
  });

  it('says what it looked for when there is no kubepods cgroup', async () => {
    const root = await tempRoot();
    await expect(detectCgroupLayout({ root })).rejects.toThrow(/neither .*cgroup\.controllers/);
    await mkdir(path.join(root, 'cpu'), { recursive: true });
    await mkdir(path.join(root, 'cpuacct'), { recursive: true });
    await writeFile(path.join(root, 'cpu/cpu.shares'), '1024\n');
    await writeFile(path.join(root, 'cpuacct/cpuacct.usage'), '0\n');
    const error = await detectCgroupLayout({ root }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(CgroupLayoutError);
    expect((error as Error).message).toMatch(/kubepods\.slice, kubepods.*cgroupRoot/);
  });

  it('finds the pod and container of the v1 fixture through the detected layout', async () => {
    const layout = await detectCgroupLayout({ root: path.join(FIXTURES, 'v1-cgroupfs-docker') });
    const pod = { uid: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', qosClass: 'Guaranteed' as const };
    expect(podCgroupDir(layout, pod)).toBe(`kubepods/pod${pod.uid}`);
    expect(containerCgroupDir(layout, { ...pod, containerId: 'docker://9f8e' })).toBe(
      `kubepods/pod${pod.uid}/9f8e`,
    );
  });
});
