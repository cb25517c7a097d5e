// The real node's kernel cgroups (v1 cpu, cpuacct, memory; the cgroup2 hierarchy beside them for
// PSI when mounted): one parent per run, nested under this process's own cgroup in each hierarchy,
// with a total CPU quota so the testbed never takes the whole machine; below it one kubelet-shaped
// tree per node (<node>/kubepods/burstable/pod<uid>/<containerId>, cgroupfs driver) whose groups
// carry the CFS quota and memory limit of the pod's limits; and a mount view (symlinks to those
// roots) the agent's real reader is pointed at, as it would see its node through a cgroup namespace.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type CgroupLayout,
  containerCgroupDir,
  podCgroupDir,
  type QosClass,
} from '../../../agent/src/cgroup/layout.ts';
import type { Logger } from '../../../lib/log.ts';

export const CGROUP_MOUNT = '/sys/fs/cgroup';
const RUN_PREFIX = 'kosmos-real-';
const CFS_PERIOD_US = 100_000;
/** The kernel's least CFS quota (1 ms per period). */
const MIN_QUOTA_US = 1000;

/** The hierarchies a real pod joins; `unified` (cgroup2, PSI only) when mounted. */
type Hierarchy = 'cpu' | 'cpuacct' | 'memory' | 'unified';
const V1: readonly Hierarchy[] = ['cpu', 'cpuacct', 'memory'];

export interface CgroupLimits {
  /** CFS quota; undefined = unlimited. */
  cpuLimitMilli?: number;
  /** cpu.shares, from the request. */
  cpuRequestMilli?: number;
  /** memory.limit_in_bytes; undefined = unlimited. */
  memoryLimitBytes?: number;
}

export interface PodCgroupRef {
  node: string;
  uid: string;
  qosClass: QosClass;
}

/** This process's cgroup in a hierarchy (`/` when not listed), from /proc/self/cgroup. */
function ownCgroup(hierarchy: Hierarchy): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, dir] = line.split(':');
    if (controllers === undefined || dir === undefined) continue;
    if (hierarchy === 'unified' ? controllers === '' : controllers.split(',').includes(hierarchy)) return dir;
  }
  return '/';
}

/** Where this run's groups hang in each hierarchy: this process's own group, so host accounting holds. */
function hierarchyRoots(mount: string): Map<Hierarchy, string> {
  const roots = new Map<Hierarchy, string>();
  for (const h of V1) roots.set(h, path.join(mount, h, ownCgroup(h)));
  const unified = path.join(mount, 'unified');
  if (existsSync(path.join(unified, 'cgroup.procs')))
    roots.set('unified', path.join(unified, ownCgroup('unified')));
  return roots;
}

/** Why real cgroups cannot be used here, or undefined when they can. */
export function realCgroupsUnavailable(mount = CGROUP_MOUNT): string | undefined {
  if (process.platform !== 'linux') return `real pods need Linux cgroups (this is ${process.platform})`;
  for (const h of V1) {
    if (!existsSync(path.join(mount, h, 'cgroup.procs'))) {
      return `no cgroup v1 ${h} hierarchy at ${path.join(mount, h)} (real pods use v1 cpu, cpuacct and memory; cgroup2-only hosts are not supported yet)`;
    }
  }
  const probe = path.join(hierarchyRoots(mount).get('cpu')!, `${RUN_PREFIX}probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return undefined;
  } catch (err) {
    return `cannot create cgroups under ${path.dirname(probe)}: ${(err as Error).message} (needs root and a writable cgroup v1 cpu hierarchy)`;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function subgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/** `dir` and every group below it, deepest first. */
function bottomUp(dir: string): string[] {
  return [...subgroups(dir).flatMap(bottomUp), dir];
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Kills every process left in the groups below `dirs` and removes the groups, synchronously (it
 * also runs from an exit handler). A group whose last task is still exiting is retried for ~2 s.
 * Returns the groups that could not be removed.
 */
export function removeGroupsSync(dirs: readonly string[]): string[] {
  const groups = dirs.flatMap((d) => (existsSync(d) ? bottomUp(d) : []));
  for (const g of groups) {
    let pids: string[] = [];
    try {
      pids = readFileSync(path.join(g, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    } catch {
      continue;
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const left: string[] = [];
  for (const g of groups) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(g);
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || attempt >= 200) {
          left.push(g);
          break;
        }
        sleepSync(10);
      }
    }
  }
  return left;
}

/** Removes the groups of earlier runs whose process is gone (a run killed with SIGKILL cleans up here). */
export function sweepStaleRuns(mount = CGROUP_MOUNT): string[] {
  const stale: string[] = [];
  for (const root of hierarchyRoots(mount).values()) {
    for (const dir of subgroups(root)) {
      const m = new RegExp(`^${RUN_PREFIX}(\\d+)-`).exec(path.basename(dir));
      if (m && !pidAlive(Number(m[1]))) stale.push(dir);
    }
  }
  removeGroupsSync(stale);
  for (const entry of readdirSync(tmpdir())) {
    const m = new RegExp(`^${RUN_PREFIX}(\\d+)-.*-view-`).exec(entry);
    if (m && !pidAlive(Number(m[1]))) rmSync(path.join(tmpdir(), entry), { recursive: true, force: true });
  }
  return stale;
}

function cpuQuotaUs(milli: number | undefined): number {
  return milli === undefined ? -1 : Math.max(MIN_QUOTA_US, Math.round((milli * CFS_PERIOD_US) / 1000));
}

export interface RealCgroupTreeOptions {
  /** Total CPU of every real pod together (the run parent's CFS quota). */
  totalCpuMilli: number;
  mount?: string;
  log: Logger;
}

/** One run's cgroups. Create with `RealCgroupTree.create`; `removeSync()` on every exit path. */
export class RealCgroupTree {
  /** The run parent's name, `kosmos-real-<pid>-<n>`, in every hierarchy. */
  readonly runName: string;
  /** A directory of symlinks to each hierarchy's run root: the agent's `--cgroup-root`. */
  readonly mountView: string;
  readonly totalCpuMilli: number;
  readonly #roots: Map<Hierarchy, string>;
  readonly #log: Logger;
  readonly #nodeQuotaMilli = new Map<string, number>();
  #removed = false;

  private constructor(options: RealCgroupTreeOptions, runName: string) {
    this.runName = runName;
    this.totalCpuMilli = options.totalCpuMilli;
    this.#log = options.log;
    this.#roots = hierarchyRoots(options.mount ?? CGROUP_MOUNT);
    this.mountView = mkdtempSync(path.join(tmpdir(), `${runName}-view-`));
  }

  static create(options: RealCgroupTreeOptions): RealCgroupTree {
    const why = realCgroupsUnavailable(options.mount);
    if (why) throw new Error(why);
    const swept = sweepStaleRuns(options.mount);
    if (swept.length > 0) options.log.info({ groups: swept }, 'removed cgroups of earlier runs that died');
    const runName = `${RUN_PREFIX}${process.pid}-${Date.now().toString(36)}`;
    const tree = new RealCgroupTree(options, runName);
    for (const [h, root] of tree.#roots) {
      mkdirSync(path.join(root, runName));
      symlinkSync(root, path.join(tree.mountView, h));
    }
    tree.#write('cpu', runName, 'cpu.cfs_period_us', CFS_PERIOD_US);
    tree.#write('cpu', runName, 'cpu.cfs_quota_us', cpuQuotaUs(options.totalCpuMilli));
    // a group weighs as one task at the level it sits: on a machine busy with other work the run would
    // get a small slice of a core whatever its quota. It weighs as 16 busy tasks per core of its
    // quota, so its nodes get the CPU they claim to have; the quota keeps it from taking more.
    tree.#write(
      'cpu',
      runName,
      'cpu.shares',
      Math.min(262_144, Math.round((options.totalCpuMilli / 1000) * 16 * 1024)),
    );
    options.log.info(
      { run: runName, totalCpuMilli: options.totalCpuMilli, roots: Object.fromEntries(tree.#roots) },
      'real cgroup tree created',
    );
    return tree;
  }

  /** The agent's `--kubelet-cgroup-root` for a node (its kubepods lives below it). */
  kubeletCgroupRoot(node: string): string {
    return `/${this.runName}/${node}`;
  }

  /** The layout the agent detects for `node`, with absolute roots in the real hierarchies. */
  layout(node: string): CgroupLayout {
    const root = (h: Hierarchy) => this.#roots.get(h)!;
    return {
      version: 'v1',
      driver: 'cgroupfs',
      runtime: 'containerd',
      hierarchies: {
        cpu: root('cpu'),
        cpuacct: root('cpuacct'),
        memory: root('memory'),
        ...(this.#roots.has('unified') ? { pressure: root('unified') } : {}),
      },
      kubepodsDir: `${this.runName}/${node}/kubepods`,
      features: { cpuThrottling: true, memory: true },
    };
  }

  /** A node's groups, with the node's allocatable CPU as its quota (the run total at most). */
  addNode(node: string, allocatableCpuMilli: number): void {
    const quota = Math.min(allocatableCpuMilli, this.totalCpuMilli);
    this.#nodeQuotaMilli.set(node, quota);
    const kubepods = this.layout(node).kubepodsDir;
    for (const dir of [
      `${this.runName}/${node}`,
      kubepods,
      `${kubepods}/burstable`,
      `${kubepods}/besteffort`,
    ])
      this.#mkdirAll(dir);
    this.#write('cpu', `${this.runName}/${node}`, 'cpu.cfs_quota_us', cpuQuotaUs(quota));
  }

  /** Relative group of a pod, or of one of its containers. */
  groupOf(pod: PodCgroupRef, containerId?: string): string {
    const layout = this.layout(pod.node);
    return containerId === undefined
      ? podCgroupDir(layout, pod)
      : containerCgroupDir(layout, { ...pod, containerId });
  }

  /** Creates the pod's group and its containers' groups with their limits. */
  ensurePod(pod: PodCgroupRef, containers: { containerId: string; limits: CgroupLimits }[]): void {
    this.#mkdirAll(this.groupOf(pod));
    for (const c of containers) this.#mkdirAll(this.groupOf(pod, c.containerId));
    this.setPodLimits(pod, containers);
  }

  /**
   * Writes the pod-level (sum of containers) and container limits in the order the kernel accepts
   * (v1 refuses a child quota above its parent's): raise the pod first, lower the containers first.
   * Quotas above the node's are clamped to it (the node would cap them anyway).
   * Returns the memory limits the kernel refused (below current usage), by container id.
   */
  setPodLimits(pod: PodCgroupRef, containers: { containerId: string; limits: CgroupLimits }[]): string[] {
    const nodeQuota = this.#nodeQuotaMilli.get(pod.node) ?? this.totalCpuMilli;
    const clamp = (m: number | undefined) => (m === undefined ? undefined : Math.min(m, nodeQuota));
    const sum = (pick: (l: CgroupLimits) => number | undefined) =>
      containers.some((c) => pick(c.limits) === undefined)
        ? undefined
        : containers.reduce((s, c) => s + pick(c.limits)!, 0);
    const podGroup = this.groupOf(pod);
    const podQuota = cpuQuotaUs(clamp(sum((l) => l.cpuLimitMilli)));
    const current = Number(this.#read('cpu', podGroup, 'cpu.cfs_quota_us'));
    const raising = podQuota === -1 || (current !== -1 && podQuota > current);
    const writeContainers = () => {
      for (const c of containers) {
        const g = this.groupOf(pod, c.containerId);
        this.#write('cpu', g, 'cpu.cfs_quota_us', cpuQuotaUs(clamp(c.limits.cpuLimitMilli)));
        if (c.limits.cpuRequestMilli !== undefined)
          this.#write(
            'cpu',
            g,
            'cpu.shares',
            Math.max(2, Math.round((c.limits.cpuRequestMilli * 1024) / 1000)),
          );
      }
    };
    if (raising) {
      this.#write('cpu', podGroup, 'cpu.cfs_quota_us', podQuota);
      writeContainers();
    } else {
      writeContainers();
      this.#write('cpu', podGroup, 'cpu.cfs_quota_us', podQuota);
    }
    const refused: string[] = [];
    const podMemory = sum((l) => l.memoryLimitBytes);
    const memoryOrder = [
      ...containers.map((c) => ({
        group: this.groupOf(pod, c.containerId),
        id: c.containerId,
        bytes: c.limits.memoryLimitBytes,
      })),
      { group: podGroup, id: '', bytes: podMemory },
    ];
    // memory: a v1 child may exceed its parent; a limit below usage is refused (EBUSY) and kept as is
    for (const m of memoryOrder) {
      try {
        this.#write('memory', m.group, 'memory.limit_in_bytes', m.bytes ?? -1);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EBUSY') throw err;
        if (m.id) refused.push(m.id);
        this.#log.warn(
          { group: m.group, bytes: m.bytes },
          'memory limit below current usage refused by the kernel',
        );
      }
    }
    return refused;
  }

  /** The cgroup.procs files a container's process writes itself into before it execs. */
  procsFiles(pod: PodCgroupRef, containerId: string): string[] {
    const group = this.groupOf(pod, containerId);
    return [...this.#roots.keys()].map((h) => path.join(this.#roots.get(h)!, group, 'cgroup.procs'));
  }

  /** Kills what is left in the pod's groups and removes them. */
  removePod(pod: PodCgroupRef): void {
    const left = removeGroupsSync([...this.#roots.values()].map((r) => path.join(r, this.groupOf(pod))));
    if (left.length > 0) this.#log.warn({ groups: left }, 'pod cgroups could not be removed');
  }

  /** Kills every process of the run and removes all its groups and the mount view. Idempotent. */
  removeSync(): string[] {
    if (this.#removed) return [];
    this.#removed = true;
    const left = removeGroupsSync([...this.#roots.values()].map((r) => path.join(r, this.runName)));
    rmSync(this.mountView, { recursive: true, force: true });
    return left;
  }

  /** CPU time used by every real pod of the run together, seconds (cpuacct.usage of the run parent). */
  runCpuSeconds(): number {
    return Number(this.#read('cpuacct', this.runName, 'cpuacct.usage')) / 1e9;
  }

  #mkdirAll(rel: string): void {
    for (const root of this.#roots.values()) mkdirSync(path.join(root, rel), { recursive: true });
  }

  #read(h: Hierarchy, rel: string, file: string): string {
    return readFileSync(path.join(this.#roots.get(h)!, rel, file), 'utf8').trim();
  }

  #write(h: Hierarchy, rel: string, file: string, value: number): void {
    writeFileSync(path.join(this.#roots.get(h)!, rel, file), String(value));
  }
}
