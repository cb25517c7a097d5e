// A temporary directory standing in for /sys/fs/cgroup: on tmpfs (/dev/shm) when there is one,
// since the simulated kubelet rewrites a dozen small files per pod every step.
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TMPFS = '/dev/shm';

export interface TempCgroupRoot {
  path: string;
  remove(): Promise<void>;
}

export async function createTempCgroupRoot(prefix = 'kosmos-cgroup-'): Promise<TempCgroupRoot> {
  const base = await access(TMPFS, constants.W_OK).then(
    () => TMPFS,
    () => tmpdir(),
  );
  const dir = await mkdtemp(path.join(base, prefix));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
