// Detects the node's cgroup layout by looking at what exists: version (v2 unified, v1 per
// controller, hybrid PSI under unified/), kubelet driver and cgroup root, container runtime.
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CgroupDriver,
  type CgroupLayout,
  type ContainerRuntime,
  DEFAULT_CGROUP_MOUNT,
  identifyCgroupPath,
  kubepodsDirFor,
} from './layout.ts';

export interface DetectOptions {
  /** Mount root of the cgroup file system (default /sys/fs/cgroup). */
  root?: string;
  /** Kubelet --cgroup-root when it is not "/"; otherwise found by searching. */
  cgroupRoot?: string;
  /** Restrict detection to one driver (the kubelet's --cgroup-driver), still verified on disk. */
  driver?: CgroupDriver;
  /** Runtime for bare container ids; otherwise detected from existing container cgroups. */
  runtime?: ContainerRuntime;
}

/** The node's cgroup tree is not one kosmos can read; the message says what was looked for. */
export class CgroupLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CgroupLayoutError';
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function firstExisting(root: string, names: string[], marker: string): Promise<string | undefined> {
  for (const name of names) {
    if (await exists(path.join(root, name, marker))) return path.join(root, name);
  }
  return undefined;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function hierarchies(root: string): Promise<{ version: 'v1' | 'v2'; h: CgroupLayout['hierarchies'] }> {
  if (await exists(path.join(root, 'cgroup.controllers'))) {
    return { version: 'v2', h: { cpu: root, cpuacct: root, memory: root } };
  }
  const cpu = await firstExisting(root, ['cpu', 'cpu,cpuacct', 'cpuacct,cpu'], 'cpu.shares');
  const cpuacct = await firstExisting(root, ['cpuacct', 'cpu,cpuacct', 'cpuacct,cpu'], 'cpuacct.usage');
  if (!cpu || !cpuacct) {
    throw new CgroupLayoutError(
      `no cgroup hierarchy at ${root}: neither ${root}/cgroup.controllers (v2) nor cpu/ and cpuacct/ (v1)`,
    );
  }
  const memory = path.join(root, 'memory');
  return { version: 'v1', h: { cpu, cpuacct, memory } };
}

/** Candidate kubepods directories, most specific first. */
async function kubepodsCandidates(
  hierarchy: string,
  options: DetectOptions,
): Promise<{ dir: string; driver: CgroupDriver }[]> {
  const drivers: CgroupDriver[] = options.driver ? [options.driver] : ['systemd', 'cgroupfs'];
  if (options.cgroupRoot !== undefined) {
    return drivers.map((driver) => ({ driver, dir: kubepodsDirFor(driver, options.cgroupRoot) }));
  }
  const found = drivers.map((driver) => ({ driver, dir: kubepodsDirFor(driver) }));
  // a non-default root sits one or two levels down: kubelet.slice/kubelet-kubepods.slice, a/b/kubepods
  for (const top of await listDirs(hierarchy)) {
    for (const second of await listDirs(path.join(hierarchy, top))) {
      const dir = `${top}/${second}`;
      if (second.endsWith('-kubepods.slice')) found.push({ driver: 'systemd', dir });
      if (second === 'kubepods') found.push({ driver: 'cgroupfs', dir });
      for (const third of await listDirs(path.join(hierarchy, dir))) {
        if (third.endsWith('-kubepods.slice')) found.push({ driver: 'systemd', dir: `${dir}/${third}` });
        if (third === 'kubepods') found.push({ driver: 'cgroupfs', dir: `${dir}/${third}` });
      }
    }
  }
  return found.filter((c) => drivers.includes(c.driver));
}

/** Looks for a container cgroup below kubepods (depth ≤ 3) and names its runtime. */
async function detectRuntime(layout: CgroupLayout): Promise<ContainerRuntime | undefined> {
  let frontier = [layout.kubepodsDir];
  for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of frontier) {
      for (const entry of await listDirs(path.join(layout.hierarchies.cpu, dir))) {
        const rel = `${dir}/${entry}`;
        const identified = identifyCgroupPath(layout, rel);
        if (identified?.runtime) return identified.runtime;
        next.push(rel);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** Detects the layout; throws CgroupLayoutError when there is no readable kubepods tree. */
export async function detectCgroupLayout(options: DetectOptions = {}): Promise<CgroupLayout> {
  const root = options.root ?? DEFAULT_CGROUP_MOUNT;
  const { version, h } = await hierarchies(root);
  const candidates = await kubepodsCandidates(h.cpu, options);
  let chosen: { dir: string; driver: CgroupDriver } | undefined;
  for (const candidate of candidates) {
    if (await exists(path.join(h.cpu, candidate.dir))) {
      chosen = candidate;
      break;
    }
  }
  if (!chosen) {
    const looked = [...new Set(candidates.map((c) => c.dir))].join(', ');
    throw new CgroupLayoutError(
      `no kubepods cgroup in ${h.cpu} (looked for ${looked}); if the kubelet runs with a non-default ` +
        '--cgroup-root, pass it as cgroupRoot',
    );
  }
  const kubepods = (hierarchy: string) => path.join(hierarchy, chosen.dir);
  let features: CgroupLayout['features'];
  let pressure: string | undefined;
  if (version === 'v2') {
    const controllers = await readFile(path.join(kubepods(root), 'cgroup.controllers'), 'utf8').catch(
      () => '',
    );
    const names = new Set(controllers.split(/\s+/));
    features = { cpuThrottling: names.has('cpu'), memory: names.has('memory') };
    if (await exists(path.join(kubepods(root), 'cpu.pressure'))) pressure = root;
  } else {
    features = {
      cpuThrottling: await exists(path.join(kubepods(h.cpu), 'cpu.stat')),
      memory: await exists(path.join(kubepods(h.memory), 'memory.usage_in_bytes')),
    };
    const unified = path.join(root, 'unified');
    if (await exists(path.join(kubepods(unified), 'cpu.pressure'))) pressure = unified;
  }
  const layout: CgroupLayout = {
    version,
    driver: chosen.driver,
    hierarchies: { ...h, ...(pressure ? { pressure } : {}) },
    kubepodsDir: chosen.dir,
    features,
  };
  layout.runtime = options.runtime ?? (await detectRuntime(layout));
  return layout;
}
