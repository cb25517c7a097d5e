// Real kernel cgroups on this machine: v1 cpu + cpuacct controllers and a cgroup2 hierarchy at
// /sys/fs/cgroup/unified. Builds kubelet-shaped trees under a unique --cgroup-root, moves CPU
// burners into them and checks the reader against the burners' known load.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerCgroupDir, podCgroupDir } from '../../../agent/src/cgroup/layout.ts';
import { detectCgroupLayout } from '../../../agent/src/cgroup/layout-detect.ts';
import { createCgroupReader, type UsageResult, type UsageTarget } from '../../../agent/src/cgroup/reader.ts';
import { silentLogger } from '../../../lib/log.ts';

const MOUNT = '/sys/fs/cgroup';
const CPU = `${MOUNT}/cpu`;
const CPUACCT = `${MOUNT}/cpuacct`;
const UNIFIED = `${MOUNT}/unified`;
const WINDOW_MS = 1500;
const TICKS_PER_SECOND = 100;
/** Low enough that the burner hits it even when other work leaves it a fraction of a core. */
const QUOTA_MILLI = 150;

const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
const CGROUP_ROOT = `/kosmos-test-${suffix}`;
const POD = { uid: `0a1b2c3d-${suffix}`, qosClass: 'Burstable' as const };
const FREE_ID = `containerd://${'f'.repeat(16)}${randomBytes(8).toString('hex')}`;
const QUOTA_ID = `containerd://${'e'.repeat(16)}${randomBytes(8).toString('hex')}`;

const burners: ChildProcess[] = [];
const created: string[] = []; // directories, parents first

async function mkdirTracked(hierarchy: string, relDir: string): Promise<string> {
  let current = hierarchy;
  for (const part of relDir.split('/')) {
    current = path.join(current, part);
    await mkdir(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    if (!created.includes(current)) created.push(current);
  }
  return current;
}

function startBurner(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  burners.push(child);
  return child;
}

async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime + stime
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ok(result: UsageResult | undefined) {
  if (result?.status !== 'ok') throw new Error(`expected a measurement, got ${JSON.stringify(result)}`);
  return result.usage;
}

/**
 * Samples the targets twice WINDOW_MS apart, and each burner's own CPU time (the kernel's per-task
 * account, /proc/<pid>/stat) over the same window: on a shared 2-core machine a busy loop gets what
 * the scheduler gives it, so that account is the known load to compare with.
 */
async function measure(
  targets: UsageTarget[],
  reader: ReturnType<typeof createCgroupReader>,
  pids: number[],
) {
  const startMs = performance.now();
  const startCpu = await Promise.all(pids.map(processCpuSeconds));
  await reader.sample(targets, startMs);
  await wait(WINDOW_MS);
  const endMs = performance.now();
  const results = await reader.sample(targets, endMs);
  const endCpu = await Promise.all(pids.map(processCpuSeconds));
  const seconds = (endMs - startMs) / 1000;
  const processMilli = endCpu.map((end, i) => ((end - (startCpu[i] as number)) / seconds) * 1000);
  return { results: new Map(results.map((r) => [r.key, r])), processMilli };
}

const relativeError = (measured: number, known: number) => Math.abs(measured - known) / known;

describe('CgroupReader on real kernel cgroups (v1 cpu/cpuacct and cgroup2 at /sys/fs/cgroup/unified)', () => {
  beforeAll(async () => {
    for (const marker of [
      `${CPU}/cpu.cfs_quota_us`,
      `${CPUACCT}/cpuacct.usage`,
      `${UNIFIED}/cgroup.controllers`,
    ]) {
      await access(marker).catch(() => {
        throw new Error(
          `this test needs ${marker}: a host with v1 cpu and cpuacct controllers and cgroup2 mounted at ${UNIFIED}, run as root`,
        );
      });
    }
  });

  afterAll(async () => {
    for (const child of burners) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
    for (const dir of created.reverse()) {
      for (let attempt = 0; ; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          if (attempt >= 50) throw err;
          await wait(20); // the kernel frees a cgroup shortly after its last task is reaped
        }
      }
    }
  });

  it('measures a busy loop and a CFS-quota-limited loop with throttling, in a v1 cgroupfs layout', async () => {
    // build the tree a cgroupfs kubelet with --cgroup-root would build, in both v1 hierarchies
    const { layoutFor } = await import('../../../agent/src/cgroup/layout.ts');
    const shape = layoutFor({
      version: 'v1',
      driver: 'cgroupfs',
      runtime: 'containerd',
      cgroupRoot: CGROUP_ROOT,
    });
    const freeDir = containerCgroupDir(shape, { ...POD, containerId: FREE_ID });
    const quotaDir = containerCgroupDir(shape, { ...POD, containerId: QUOTA_ID });
    for (const hierarchy of [CPU, CPUACCT]) {
      await mkdirTracked(hierarchy, freeDir);
      await mkdirTracked(hierarchy, quotaDir);
    }
    await writeFile(path.join(CPU, quotaDir, 'cpu.cfs_period_us'), '100000');
    await writeFile(path.join(CPU, quotaDir, 'cpu.cfs_quota_us'), String(QUOTA_MILLI * 100));
    const free = startBurner();
    const limited = startBurner();
    for (const hierarchy of [CPU, CPUACCT]) {
      await writeFile(path.join(hierarchy, freeDir, 'cgroup.procs'), String(free.pid));
      await writeFile(path.join(hierarchy, quotaDir, 'cgroup.procs'), String(limited.pid));
    }

    const layout = await detectCgroupLayout({ cgroupRoot: CGROUP_ROOT });
    expect(layout).toMatchObject({
      version: 'v1',
      driver: 'cgroupfs',
      kubepodsDir: `kosmos-test-${suffix}/kubepods`,
    });
    expect(layout.features.memory).toBe(false); // no kubepods in the memory hierarchy: detected, not assumed
    const targets: UsageTarget[] = [
      { key: 'free', ...POD, containerId: FREE_ID },
      { key: 'quota', ...POD, containerId: QUOTA_ID },
      { key: 'pod', ...POD },
    ];
    const reader = createCgroupReader({ layout, logger: silentLogger() });
    const { results, processMilli } = await measure(targets, reader, [
      free.pid as number,
      limited.pid as number,
    ]);
    const [freeKnown, limitedKnown] = processMilli as [number, number];

    const freeUsage = ok(results.get('free'));
    expect(freeUsage.cpuUsageMilli).toBeLessThan(1100); // a single thread never exceeds a core
    expect(relativeError(freeUsage.cpuUsageMilli, freeKnown)).toBeLessThan(0.25);
    expect(freeUsage.throttledRatio).toBe(0);

    const quotaUsage = ok(results.get('quota'));
    expect(quotaUsage.cpuUsageMilli).toBeLessThan(QUOTA_MILLI * 1.25);
    expect(relativeError(quotaUsage.cpuUsageMilli, limitedKnown)).toBeLessThan(0.25);
    expect(quotaUsage.throttledRatio).toBeGreaterThan(0.3);

    const podUsage = ok(results.get('pod'));
    expect(podUsage.cpuUsageMilli).toBeCloseTo(freeUsage.cpuUsageMilli + quotaUsage.cpuUsageMilli, -2);
    expect(podUsage.memoryWorkingSetBytes).toBeUndefined();
    expect(podCgroupDir(layout, POD)).toBe(`kosmos-test-${suffix}/kubepods/burstable/pod${POD.uid}`);
  });

  it('measures a busy loop with PSI in a cgroup2 systemd layout', async () => {
    const { layoutFor } = await import('../../../agent/src/cgroup/layout.ts');
    const shape = layoutFor({
      root: UNIFIED,
      version: 'v2',
      driver: 'systemd',
      runtime: 'containerd',
      cgroupRoot: CGROUP_ROOT,
    });
    const freeDir = containerCgroupDir(shape, { ...POD, containerId: FREE_ID });
    await mkdirTracked(UNIFIED, freeDir);
    const burner = startBurner();
    await writeFile(path.join(UNIFIED, freeDir, 'cgroup.procs'), String(burner.pid));

    const layout = await detectCgroupLayout({ root: UNIFIED, cgroupRoot: CGROUP_ROOT });
    expect(layout).toMatchObject({ version: 'v2', driver: 'systemd', runtime: 'containerd' });
    expect(layout.kubepodsDir).toBe(
      `kosmos_test_${suffix.replace('-', '_')}.slice/kosmos_test_${suffix.replace('-', '_')}-kubepods.slice`,
    );
    expect(layout.hierarchies.pressure).toBe(UNIFIED);
    const reader = createCgroupReader({ layout, logger: silentLogger() });
    const targets: UsageTarget[] = [{ key: 'free', ...POD, containerId: FREE_ID }];
    const { results, processMilli } = await measure(targets, reader, [burner.pid as number]);

    const usage = ok(results.get('free'));
    expect(usage.cpuUsageMilli).toBeLessThan(1100);
    expect(relativeError(usage.cpuUsageMilli, processMilli[0] as number)).toBeLessThan(0.25);
    expect(usage.psiSomeAvg10).toBeGreaterThanOrEqual(0);
  });
});
