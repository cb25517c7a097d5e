import { access, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCpuStat } from '../../../../agent/src/cgroup/parse.ts';
import { createTempCgroupRoot, type TempCgroupRoot } from '../../../../sim/node/cgroup-root.ts';
import { containerKey, createCgroupWriter } from '../../../../sim/node/cgroup-writer.ts';

const roots: TempCgroupRoot[] = [];
async function tempRoot(): Promise<string> {
  const root = await createTempCgroupRoot();
  roots.push(root);
  return root.path;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => root.remove()));
});

const POD = { uid: 'aaaa-bbbb', qosClass: 'Burstable' as const };
const KEY = containerKey(POD.uid, 'app');

describe('simulated kubelet cgroup writer', () => {
  it('writes v2 files in the systemd containerd layout by default, with cpu.max from the limit', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root });
    await writer.ensurePod({
      ...POD,
      containers: [{ name: 'app', containerId: 'containerd://abc', cpuLimitMilli: 500 }],
    });
    const dir = writer.containerDir(KEY);
    expect(dir).toBe(
      path.join(
        root,
        'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podaaaa_bbbb.slice/cri-containerd-abc.scope',
      ),
    );
    expect(await readFile(path.join(dir, 'cpu.max'), 'utf8')).toBe('50000 100000\n');
    await writer.setLimits(KEY, { cpuLimitMilli: 1500 });
    expect(await readFile(path.join(dir, 'cpu.max'), 'utf8')).toBe('150000 100000\n');
    await writer.setLimits(KEY, { cpuLimitMilli: undefined });
    expect(await readFile(path.join(dir, 'cpu.max'), 'utf8')).toBe('max 100000\n');
  });

  it('in place, keeps each file inode and pads a shorter text with newlines instead of truncating', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root, update: 'in-place' });
    await writer.ensurePod({
      ...POD,
      containers: [{ name: 'app', containerId: 'containerd://abc', cpuLimitMilli: 1500 }],
    });
    const file = path.join(writer.containerDir(KEY), 'cpu.max');
    const inode = (await stat(file)).ino;
    expect(await readFile(file, 'utf8')).toBe('150000 100000\n');
    await writer.setLimits(KEY, { cpuLimitMilli: 500 });
    expect(await readFile(file, 'utf8')).toBe('50000 100000\n\n');
    // the same limit again is no change, padding or not: the file is not written (a marker survives)
    await writeFile(file, 'untouched\n');
    await writer.setLimits(KEY, { cpuLimitMilli: 500 });
    expect(await readFile(file, 'utf8')).toBe('untouched\n');
    await writer.setLimits(KEY, { cpuLimitMilli: undefined });
    expect(await readFile(file, 'utf8')).toBe('max 100000\n\n\n\n');
    expect((await stat(file)).ino).toBe(inode);
  });

  it('accumulates counters across steps and sums containers into the pod cgroup', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root });
    await writer.ensurePod({
      ...POD,
      containers: [
        { name: 'app', containerId: 'a1' },
        { name: 'side', containerId: 'b2' },
      ],
    });
    await writer.advance(KEY, {
      cpuUsedMilliSeconds: 300,
      periods: 10,
      throttledPeriods: 2,
      memoryBytes: 1000,
    });
    await writer.advance(KEY, {
      cpuUsedMilliSeconds: 200,
      periods: 10,
      throttledPeriods: 1,
      pageCacheBytes: 50,
    });
    await writer.advance(containerKey(POD.uid, 'side'), { cpuUsedMilliSeconds: 100, memoryBytes: 10 });
    const stat = parseCpuStat(await readFile(path.join(writer.containerDir(KEY), 'cpu.stat'), 'utf8'), 'v2');
    expect(stat).toEqual({ usageUsec: 500_000, nrPeriods: 20, nrThrottled: 3 });
    expect(await readFile(path.join(writer.containerDir(KEY), 'memory.current'), 'utf8')).toBe('1050\n');
    const podDir = path.dirname(writer.containerDir(KEY));
    expect(parseCpuStat(await readFile(path.join(podDir, 'cpu.stat'), 'utf8'), 'v2').usageUsec).toBe(600_000);
    expect(await readFile(path.join(podDir, 'memory.current'), 'utf8')).toBe('1060\n');
  });

  it('writes v1 cgroupfs files in both the cpu,cpuacct and memory hierarchies', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root, version: 'v1', driver: 'cgroupfs' });
    await writer.ensurePod({
      ...POD,
      containers: [{ name: 'app', containerId: 'docker://abc', cpuLimitMilli: 250, memoryLimitBytes: 4096 }],
    });
    await writer.advance(KEY, { cpuUsedMilliSeconds: 10, periods: 3, throttledPeriods: 3, memoryBytes: 100 });
    const cpuDir = path.join(root, 'cpu,cpuacct/kubepods/burstable/podaaaa-bbbb/abc');
    expect(await readFile(path.join(cpuDir, 'cpuacct.usage'), 'utf8')).toBe('10000000\n');
    expect(await readFile(path.join(cpuDir, 'cpu.cfs_quota_us'), 'utf8')).toBe('25000\n');
    expect(await readFile(path.join(cpuDir, 'cpu.stat'), 'utf8')).toMatch(
      /^nr_periods 3\nnr_throttled 3\nthrottled_time 30000000\n/,
    );
    const memDir = path.join(root, 'memory/kubepods/burstable/podaaaa-bbbb/abc');
    expect(await readFile(path.join(memDir, 'memory.limit_in_bytes'), 'utf8')).toBe('4096\n');
    expect(await readFile(path.join(memDir, 'memory.stat'), 'utf8')).toMatch(/total_inactive_file 0\n/);
    await access(path.join(root, 'cpu/kubepods'));
  });

  it('never lets a concurrent reader see a torn cpu.stat and leaves no temp files', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root });
    await writer.ensurePod({ ...POD, containers: [{ name: 'app', containerId: 'abc' }] });
    const file = path.join(writer.containerDir(KEY), 'cpu.stat');
    let writing = true;
    const reads = (async () => {
      let count = 0;
      while (writing) {
        parseCpuStat(await readFile(file, 'utf8'), 'v2');
        count++;
      }
      return count;
    })();
    for (let i = 0; i < 300; i++) await writer.advance(KEY, { cpuUsedMilliSeconds: 1 + i, periods: 1 });
    writing = false;
    expect(await reads).toBeGreaterThan(0);
    expect((await readdir(writer.containerDir(KEY))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('removes the pod cgroups from every hierarchy', async () => {
    const root = await tempRoot();
    const writer = await createCgroupWriter({ root, version: 'v1' });
    await writer.ensurePod({ ...POD, containers: [{ name: 'app', containerId: 'abc' }] });
    const dir = writer.containerDir(KEY);
    await writer.removePod(POD.uid);
    await expect(access(dir)).rejects.toThrow(/ENOENT/);
    await expect(access(dir.replace('cpu,cpuacct', 'memory'))).rejects.toThrow(/ENOENT/);
    expect(() => writer.containerDir(KEY)).toThrow(/ensurePod/);
  });
});
