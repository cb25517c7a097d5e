// The simulated kubelet's cgroup side: keeps cgroup-format files of each pod and container under a
// temporary root, in the layout a real node would have, advanced by the simulation every step.
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CgroupDriver,
  type CgroupLayout,
  type CgroupVersion,
  type ContainerRuntime,
  containerCgroupDir,
  layoutFor,
  podCgroupDir,
  type QosClass,
} from '../../agent/src/cgroup/layout.ts';
import {
  CFS_PERIOD_USEC,
  type CgroupCounters,
  filesV1,
  filesV2,
  sumCounters,
  zeroCounters,
} from './cgroup-files.ts';

export interface SimContainerCgroup {
  name: string;
  /** As in pod status (`containerd://<id>`) or bare. */
  containerId: string;
  cpuLimitMilli?: number;
  memoryLimitBytes?: number;
}

export interface SimPodCgroup {
  uid: string;
  qosClass: QosClass;
  containers: readonly SimContainerCgroup[];
}

/** What one container did during one simulation step (increments, except the memory gauges). */
export interface CgroupStep {
  /** CPU time consumed in the step, in milliseconds of CPU (1 core for 1 s = 1000). */
  cpuUsedMilliSeconds: number;
  /** CFS periods elapsed and throttled in the step (defaults: none). */
  periods?: number;
  throttledPeriods?: number;
  /** Time spent throttled in the step (default: throttledPeriods × a tenth of a period). */
  throttledMilliSeconds?: number;
  /** Anonymous (working-set) memory now. Unchanged when absent. */
  memoryBytes?: number;
  /** Reclaimable page cache now (shown as inactive_file). Unchanged when absent. */
  pageCacheBytes?: number;
  /** Wall time of the step, for the PSI averages (default 1). */
  stepSeconds?: number;
}

export interface CgroupWriterOptions {
  /** Temporary directory standing in for /sys/fs/cgroup. */
  root: string;
  version?: CgroupVersion;
  driver?: CgroupDriver;
  runtime?: ContainerRuntime;
  /** Kubelet --cgroup-root (default "/"). */
  cgroupRoot?: string;
  /** How a changed file is written (default `rename`). */
  update?: CgroupFileUpdate;
}

export interface CgroupWriter {
  readonly layout: CgroupLayout;
  /** Creates the pod's and its containers' cgroups (idempotent; new containers are added). */
  ensurePod(pod: SimPodCgroup): Promise<void>;
  /** Applies an enacted resize: cpu.max / cfs_quota_us and memory limits. */
  setLimits(
    key: ContainerKey,
    limits: { cpuLimitMilli?: number | undefined; memoryLimitBytes?: number | undefined },
  ): Promise<void>;
  advance(key: ContainerKey, step: CgroupStep): Promise<void>;
  removePod(uid: string): Promise<void>;
  /** Absolute directory of a container's cgroup in the cpu hierarchy (for tests and debugging). */
  containerDir(key: ContainerKey): string;
}

export type ContainerKey = `${string}/${string}`;

export function containerKey(uid: string, containerName: string): ContainerKey {
  return `${uid}/${containerName}`;
}

interface PodState {
  pod: SimPodCgroup;
  containers: Map<string, { spec: SimContainerCgroup; counters: CgroupCounters }>;
  chain: Promise<void>;
}

const V2_CONTROLLERS = 'cpuset cpu io memory hugetlb pids rdma misc\n';
const USER_SHARE = 0.95;

/**
 * How a changed file is written: `rename` as temp + rename, so a reader never sees a torn file (a
 * descriptor kept open reads the old inode, so readers must look for a new one); `in-place` into the
 * same inode, as the kernel's cgroup files change (a descriptor kept open reads the new values).
 */
export type CgroupFileUpdate = 'rename' | 'in-place';

/**
 * Writes each file that changed (unchanged ones are skipped). In place, the new text is padded with
 * newlines to the old length and written in one positional write without truncating, so a reader
 * never sees the file empty or a shorter text followed by the tail of the longer one (the parsers
 * skip blank lines; a kernel cgroup file is generated whole on each read instead).
 */
async function writeFiles(
  dir: string,
  files: Record<string, string>,
  written: Map<string, string> | undefined,
  update: CgroupFileUpdate,
): Promise<void> {
  await Promise.all(
    Object.entries(files).map(async ([name, content]) => {
      const file = path.join(dir, name);
      const before = written?.get(file);
      const inPlace = update === 'in-place' && before !== undefined;
      // what the file would hold: in place, a shorter text keeps the padding of the longer one
      const text = inPlace && content.length < before.length ? content.padEnd(before.length, '\n') : content;
      if (before === text) return;
      if (inPlace) {
        await writeFile(file, text, { flag: 'r+' });
        written?.set(file, text);
        return;
      }
      const tmp = path.join(dir, `.${name}.tmp`);
      await writeFile(tmp, content);
      await rename(tmp, file);
      written?.set(file, content);
    }),
  );
}

function psiStep(c: CgroupCounters, stallFraction: number, stepSeconds: number): void {
  const decay = (window: number) => Math.exp(-stepSeconds / window);
  const percent = 100 * stallFraction;
  c.psiSomeAvg10 = c.psiSomeAvg10 * decay(10) + percent * (1 - decay(10));
  c.psiSomeAvg60 = c.psiSomeAvg60 * decay(60) + percent * (1 - decay(60));
  c.psiSomeAvg300 = c.psiSomeAvg300 * decay(300) + percent * (1 - decay(300));
}

export async function createCgroupWriter(options: CgroupWriterOptions): Promise<CgroupWriter> {
  const layout = layoutFor({
    root: options.root,
    version: options.version ?? 'v2',
    driver: options.driver ?? 'systemd',
    runtime: options.runtime ?? 'containerd',
    cgroupRoot: options.cgroupRoot,
  });
  const { version } = layout;
  const pods = new Map<string, PodState>();
  const written = new Map<string, string>();
  const update = options.update ?? 'rename';
  const writeChanged = (dir: string, files: Record<string, string>, known?: Map<string, string>) =>
    writeFiles(dir, files, known, update);

  async function writeCgroup(relDir: string, counters: CgroupCounters): Promise<void> {
    if (version === 'v2') {
      await writeChanged(path.join(layout.hierarchies.cpu, relDir), filesV2(counters), written);
      return;
    }
    const files = filesV1(counters);
    await Promise.all([
      writeChanged(path.join(layout.hierarchies.cpu, relDir), files.cpu, written),
      writeChanged(path.join(layout.hierarchies.memory, relDir), files.memory, written),
    ]);
  }

  async function createCgroup(relDir: string, counters: CgroupCounters): Promise<void> {
    const dirs =
      version === 'v2' ? [layout.hierarchies.cpu] : [layout.hierarchies.cpu, layout.hierarchies.memory];
    for (const hierarchy of dirs) {
      await mkdir(path.join(hierarchy, relDir), { recursive: true });
      if (version === 'v2')
        await writeChanged(path.join(hierarchy, relDir), { 'cgroup.controllers': V2_CONTROLLERS });
      await writeChanged(path.join(hierarchy, relDir), { 'cgroup.procs': '' });
    }
    await writeCgroup(relDir, counters);
  }

  // the node skeleton: hierarchy roots, kubepods and its QoS children, as the kubelet creates them
  if (version === 'v2') {
    await mkdir(options.root, { recursive: true });
    await writeChanged(options.root, {
      'cgroup.controllers': V2_CONTROLLERS,
      'cgroup.subtree_control': V2_CONTROLLERS,
    });
  } else {
    await mkdir(layout.hierarchies.cpu, { recursive: true });
    await mkdir(layout.hierarchies.memory, { recursive: true });
    await writeChanged(layout.hierarchies.cpu, { 'cpu.shares': '1024\n', 'cpuacct.usage': '0\n' });
    await writeChanged(layout.hierarchies.memory, { 'memory.usage_in_bytes': '0\n' });
    for (const alias of ['cpu', 'cpuacct']) {
      await symlink('cpu,cpuacct', path.join(options.root, alias)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
  }
  const podsParent = (qosClass: QosClass) => path.posix.dirname(podCgroupDir(layout, { uid: 'x', qosClass }));
  for (const dir of new Set([layout.kubepodsDir, podsParent('Burstable'), podsParent('BestEffort')])) {
    await createCgroup(dir, zeroCounters());
  }

  function state(key: ContainerKey): { pod: PodState; counters: CgroupCounters; spec: SimContainerCgroup } {
    const slash = key.indexOf('/');
    const pod = pods.get(key.slice(0, slash));
    const container = pod?.containers.get(key.slice(slash + 1));
    if (!pod || !container) throw new Error(`unknown container ${key}: call ensurePod first`);
    return { pod, ...container };
  }

  /** Runs fs work for one pod in order, so writes of successive steps never interleave. */
  function enqueue(pod: PodState, work: () => Promise<void>): Promise<void> {
    const run = pod.chain.then(work);
    pod.chain = run.catch(() => undefined);
    return run;
  }

  const podDir = (pod: SimPodCgroup) => podCgroupDir(layout, pod);
  const writePodTotals = (pod: PodState) =>
    writeCgroup(podDir(pod.pod), sumCounters([...pod.containers.values()].map((c) => c.counters)));

  return {
    layout,
    async ensurePod(spec) {
      const existing = pods.get(spec.uid);
      const target = existing ?? { pod: spec, containers: new Map(), chain: Promise.resolve() };
      if (!existing) pods.set(spec.uid, target);
      await enqueue(target, async () => {
        if (!existing) await createCgroup(podDir(spec), zeroCounters());
        for (const container of spec.containers) {
          if (target.containers.has(container.name)) continue;
          const counters = zeroCounters();
          counters.cpuLimitMilli = container.cpuLimitMilli;
          counters.memoryLimitBytes = container.memoryLimitBytes;
          target.containers.set(container.name, { spec: container, counters });
          await createCgroup(
            containerCgroupDir(layout, { ...spec, containerId: container.containerId }),
            counters,
          );
        }
        await writePodTotals(target);
      });
    },
    async setLimits(key, limits) {
      const { pod, counters, spec } = state(key);
      if ('cpuLimitMilli' in limits) counters.cpuLimitMilli = limits.cpuLimitMilli;
      if ('memoryLimitBytes' in limits) counters.memoryLimitBytes = limits.memoryLimitBytes;
      await enqueue(pod, async () => {
        await writeCgroup(
          containerCgroupDir(layout, { ...pod.pod, containerId: spec.containerId }),
          counters,
        );
        await writePodTotals(pod);
      });
    },
    async advance(key, step) {
      const { pod, counters, spec } = state(key);
      const usedUsec = Math.max(0, step.cpuUsedMilliSeconds) * 1000;
      const periods = step.periods ?? 0;
      const throttledPeriods = Math.min(periods, step.throttledPeriods ?? 0);
      const throttledUsec =
        (step.throttledMilliSeconds ?? (throttledPeriods * CFS_PERIOD_USEC) / 10_000) * 1000;
      const stepSeconds = step.stepSeconds ?? 1;
      counters.usageUsec += usedUsec;
      counters.userUsec += usedUsec * USER_SHARE;
      counters.systemUsec += usedUsec * (1 - USER_SHARE);
      counters.nrPeriods += periods;
      counters.nrThrottled += throttledPeriods;
      counters.throttledUsec += throttledUsec;
      counters.psiSomeTotalUsec += throttledUsec;
      psiStep(counters, Math.min(1, throttledUsec / (stepSeconds * 1e6)), stepSeconds);
      if (step.memoryBytes !== undefined) counters.memoryBytes = step.memoryBytes;
      if (step.pageCacheBytes !== undefined) counters.pageCacheBytes = step.pageCacheBytes;
      await enqueue(pod, async () => {
        await writeCgroup(
          containerCgroupDir(layout, { ...pod.pod, containerId: spec.containerId }),
          counters,
        );
        await writePodTotals(pod);
      });
    },
    async removePod(uid) {
      const pod = pods.get(uid);
      if (!pod) return;
      pods.delete(uid);
      await enqueue(pod, async () => {
        for (const hierarchy of new Set(Object.values(layout.hierarchies))) {
          const dir = path.join(hierarchy, podDir(pod.pod));
          await rm(dir, { recursive: true, force: true });
          for (const file of written.keys()) if (file.startsWith(`${dir}/`)) written.delete(file);
        }
      });
    },
    containerDir(key) {
      const { pod, spec } = state(key);
      return path.join(
        layout.hierarchies.cpu,
        containerCgroupDir(layout, { ...pod.pod, containerId: spec.containerId }),
      );
    },
  };
}
