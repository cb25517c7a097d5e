// Kept-open cgroup descriptors on the kernel's own cgroup file systems (cgroup2 at
// /sys/fs/cgroup/unified, v1 cpuacct and memory): reads follow the kernel's counters through one
// descriptor, a removed cgroup fails (ENODEV on the kept descriptor, ENOENT on reopening) and closes
// its descriptors, a cgroup recreated under the same name is read at once, and no read needs an fstat.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKernelCgroupFs, OpenCgroupFiles } from '../../../agent/src/cgroup/open-files.ts';

const UNIFIED = '/sys/fs/cgroup/unified';
const CPUACCT = '/sys/fs/cgroup/cpuacct';
const MEMORY = '/sys/fs/cgroup/memory';
const NAME = `kosmos-open-files-${process.pid}-${randomBytes(3).toString('hex')}`;
const created: string[] = [];

function cgroup(hierarchy: string): string {
  const dir = path.join(hierarchy, NAME);
  mkdirSync(dir);
  created.push(dir);
  return dir;
}

/** Runs a short busy loop inside the cgroup (v1: its tasks file) so its counters move. */
function burnIn(dir: string, tasksFile: string): void {
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(path.join(dir, tasksFile))}, String(process.pid)); const t = Date.now(); while (Date.now() - t < 50) {}`,
    ],
    { stdio: 'inherit' },
  );
  if (child.status !== 0) throw new Error(`burner exited ${child.status}`);
}

describe('OpenCgroupFiles on kernel cgroup file systems', () => {
  beforeAll(() => {
    for (const marker of [
      `${UNIFIED}/cgroup.controllers`,
      `${CPUACCT}/cpuacct.usage`,
      `${MEMORY}/memory.stat`,
    ]) {
      if (!existsSync(marker))
        throw new Error(
          `this test needs ${marker}: a host with cgroup2 at ${UNIFIED} and v1 cpuacct and memory, run as root`,
        );
    }
  });

  afterAll(() => {
    for (const dir of created.reverse()) if (existsSync(dir)) rmdirSync(dir);
  });

  it('tells the kernel cgroup file systems from a tree of ordinary files', () => {
    expect(isKernelCgroupFs(UNIFIED)).toBe(true);
    expect(isKernelCgroupFs(CPUACCT)).toBe(true);
    const plain = mkdtempSync(path.join(tmpdir(), 'kosmos-plain-'));
    try {
      expect(isKernelCgroupFs(plain)).toBe(false);
      expect(isKernelCgroupFs(path.join(plain, 'missing'))).toBe(false);
    } finally {
      rmSync(plain, { recursive: true });
    }
  });

  it('follows a v1 cpuacct counter through one descriptor, then fails and closes once the cgroup is removed', () => {
    const dir = cgroup(CPUACCT);
    const file = path.join(dir, 'cpuacct.usage');
    const files = new OpenCgroupFiles({ replaceable: false });
    const before = Number(files.read(dir, file));
    burnIn(dir, 'tasks');
    const after = Number(files.read(dir, file));
    expect(after).toBeGreaterThan(before + 10_000_000); // ns: the 50 ms loop ran in it
    expect(files.openFiles).toBe(1);

    rmdirSync(dir);
    expect(() => files.read(dir, file)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(files.openDirs).toBe(0);
  });

  it('reads a cgroup2 cgroup recreated under the same name at once (its kept descriptor answers ENODEV)', () => {
    const dir = cgroup(UNIFIED);
    const file = path.join(dir, 'cpu.stat');
    const files = new OpenCgroupFiles({ replaceable: false });
    burnIn(dir, 'cgroup.procs');
    expect(files.read(dir, file)).toMatch(/^usage_usec [1-9]\d*\n/);

    rmdirSync(dir);
    mkdirSync(dir);
    // a fresh cgroup: zero usage, read through a new descriptor without a failed tick in between
    expect(files.read(dir, file)).toMatch(/^usage_usec 0\n/);
    expect(files.openFiles).toBe(1);
  });

  it('reads v1 memory files whole and sees a value written since', () => {
    const dir = cgroup(MEMORY);
    const files = new OpenCgroupFiles({ replaceable: false });
    const text = files.read(dir, path.join(dir, 'memory.stat'));
    expect(text).toMatch(/^cache \d+\n/);
    expect(text).toMatch(/\ntotal_inactive_file \d+\n/);
    writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
    expect(files.read(dir, path.join(dir, 'memory.limit_in_bytes'))).toBe(`${64 * 1024 * 1024}\n`);
  });
});
