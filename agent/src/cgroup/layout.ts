// Every piece of cgroup path knowledge: how the kubelet names pod and container cgroups for each
// version (v1/v2), driver (systemd/cgroupfs), runtime scope name and QoS class. Pure functions.
import path from 'node:path';

export type CgroupVersion = 'v1' | 'v2';
export type CgroupDriver = 'systemd' | 'cgroupfs';
export type ContainerRuntime = 'containerd' | 'crio' | 'docker';
export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
export type Controller = 'cpu' | 'cpuacct' | 'memory' | 'pressure';

export const DEFAULT_CGROUP_MOUNT = '/sys/fs/cgroup';

export interface CgroupLayout {
  version: CgroupVersion;
  driver: CgroupDriver;
  /** Runtime for container ids without a `<runtime>://` prefix; undefined = find by listing. */
  runtime?: ContainerRuntime;
  /** Absolute hierarchy roots. v2: all the unified mount; pressure absent when no PSI files. */
  hierarchies: { cpu: string; cpuacct: string; memory: string; pressure?: string };
  /** The kubepods cgroup relative to a hierarchy root, e.g. `kubepods.slice` or `kubelet/kubepods`. */
  kubepodsDir: string;
  /** What the hierarchy offers: cgroup2 without the cpu/memory controllers has neither. */
  features: { cpuThrottling: boolean; memory: boolean };
}

export interface PodRef {
  uid: string;
  qosClass: QosClass;
}

export interface ContainerRef extends PodRef {
  /** As in pod status `containerID` (`containerd://abc`) or bare (`abc`). */
  containerId: string;
}

const RUNTIME_PREFIXES: Record<string, ContainerRuntime> = {
  containerd: 'containerd',
  'cri-o': 'crio',
  crio: 'crio',
  docker: 'docker',
};

/** Systemd scope prefix of each runtime; with cgroupfs only CRI-O prefixes its directories. */
const SCOPE_PREFIX: Record<ContainerRuntime, string> = {
  containerd: 'cri-containerd-',
  crio: 'crio-',
  docker: 'docker-',
};

export function parseContainerId(containerId: string): { runtime?: ContainerRuntime; id: string } {
  const sep = containerId.indexOf('://');
  if (sep < 0) return { id: containerId };
  const runtime = RUNTIME_PREFIXES[containerId.slice(0, sep)];
  return { runtime, id: containerId.slice(sep + 3) };
}

/** Kubelet's cgroup name components for a QoS class below kubepods ([] for Guaranteed). */
function qosComponents(qosClass: QosClass): string[] {
  if (qosClass === 'Burstable') return ['burstable'];
  if (qosClass === 'BestEffort') return ['besteffort'];
  return [];
}

const escapeSystemd = (part: string) => part.replaceAll('-', '_');

/** Kubelet's CgroupName.ToSystemd: ['a','b','c'] → a.slice/a-b.slice/a-b-c.slice. */
export function systemdPath(components: readonly string[]): string {
  const dirs: string[] = [];
  let prefix = '';
  for (const part of components) {
    prefix = prefix ? `${prefix}-${escapeSystemd(part)}` : escapeSystemd(part);
    dirs.push(`${prefix}.slice`);
  }
  return dirs.join('/');
}

/** Kubelet `--cgroup-root` ("/", "/kubelet", "kubelet.slice") as cgroup name components. */
export function cgroupRootComponents(cgroupRoot: string | undefined): string[] {
  if (!cgroupRoot) return [];
  const parts = cgroupRoot.split('/').filter((p) => p !== '');
  const last = parts.at(-1);
  if (last?.endsWith('.slice')) {
    // systemd form: the last slice carries every component joined by '-'
    return last.slice(0, -'.slice'.length).split('-');
  }
  return parts;
}

export function kubepodsDirFor(driver: CgroupDriver, cgroupRoot?: string): string {
  const components = [...cgroupRootComponents(cgroupRoot), 'kubepods'];
  return driver === 'systemd' ? systemdPath(components) : components.join('/');
}

/** The systemd slice prefix below kubepods, e.g. `kubepods` or `kubelet-kubepods`. */
function slicePrefix(layout: CgroupLayout): string {
  return path.posix.basename(layout.kubepodsDir).replace(/\.slice$/, '');
}

/** Pod cgroup directory relative to a hierarchy root. */
export function podCgroupDir(layout: CgroupLayout, pod: PodRef): string {
  const qos = qosComponents(pod.qosClass);
  if (layout.driver === 'cgroupfs') {
    return path.posix.join(layout.kubepodsDir, ...qos, `pod${pod.uid}`);
  }
  const prefix = slicePrefix(layout);
  const dirs: string[] = [];
  let name = prefix;
  for (const part of [...qos, `pod${pod.uid}`]) {
    name = `${name}-${escapeSystemd(part)}`;
    dirs.push(`${name}.slice`);
  }
  return path.posix.join(layout.kubepodsDir, ...dirs);
}

/** The container's directory name inside its pod cgroup, for a known runtime. */
export function containerDirName(
  driver: CgroupDriver,
  runtime: ContainerRuntime | undefined,
  bareId: string,
): string {
  if (driver === 'systemd') return `${SCOPE_PREFIX[runtime ?? 'containerd']}${bareId}.scope`;
  return runtime === 'crio' ? `crio-${bareId}` : bareId;
}

/** Container cgroup directory relative to a hierarchy root (runtime from the id prefix or layout). */
export function containerCgroupDir(layout: CgroupLayout, ref: ContainerRef): string {
  const { runtime, id } = parseContainerId(ref.containerId);
  return path.posix.join(
    podCgroupDir(layout, ref),
    containerDirName(layout.driver, runtime ?? layout.runtime, id),
  );
}

/**
 * Whether a directory entry of a pod cgroup belongs to the container with this bare id, whatever
 * the runtime named it (used when the runtime is unknown). Excludes CRI-O's conmon scopes.
 */
export function isContainerDirName(entry: string, bareId: string): boolean {
  if (entry === bareId) return true;
  if (entry === `crio-${bareId}`) return true;
  return Object.values(SCOPE_PREFIX).some((prefix) => entry === `${prefix}${bareId}.scope`);
}

export interface IdentifiedCgroup {
  uid: string;
  qosClass: QosClass;
  /** Bare container id, when the path is a container cgroup. */
  containerId?: string;
  runtime?: ContainerRuntime;
}

function identifyContainerEntry(
  entry: string,
  driver: CgroupDriver,
): { containerId: string; runtime?: ContainerRuntime } | undefined {
  for (const [runtime, prefix] of Object.entries(SCOPE_PREFIX) as [ContainerRuntime, string][]) {
    if (entry.startsWith(prefix) && entry.endsWith('.scope')) {
      if (entry.startsWith('crio-conmon-')) return undefined;
      return { containerId: entry.slice(prefix.length, -'.scope'.length), runtime };
    }
  }
  if (driver === 'cgroupfs' && /^[0-9a-f]{12,}$/.test(entry)) return { containerId: entry };
  if (driver === 'cgroupfs' && /^crio-[0-9a-f]{12,}$/.test(entry)) {
    return { containerId: entry.slice('crio-'.length), runtime: 'crio' };
  }
  return undefined;
}

/** The inverse of podCgroupDir/containerCgroupDir: which pod (and container) a path belongs to. */
export function identifyCgroupPath(layout: CgroupLayout, relPath: string): IdentifiedCgroup | undefined {
  const normalized = path.posix.normalize(relPath).replace(/^\/+|\/+$/g, '');
  const base = `${layout.kubepodsDir}/`;
  if (!normalized.startsWith(base)) return undefined;
  const parts = normalized.slice(base.length).split('/');
  let qosClass: QosClass = 'Guaranteed';
  let uid: string | undefined;
  let podIndex = -1;
  if (layout.driver === 'cgroupfs') {
    if (parts[0] === 'burstable' || parts[0] === 'besteffort') {
      qosClass = parts[0] === 'burstable' ? 'Burstable' : 'BestEffort';
      podIndex = 1;
    } else podIndex = 0;
    const seg = parts[podIndex];
    if (seg?.startsWith('pod')) uid = seg.slice(3);
  } else {
    const prefix = slicePrefix(layout);
    const first = parts[0] ?? '';
    if (first === `${prefix}-burstable.slice` || first === `${prefix}-besteffort.slice`) {
      qosClass = first.includes('-burstable.') ? 'Burstable' : 'BestEffort';
      podIndex = 1;
    } else podIndex = 0;
    const match = /-pod([^-]+)\.slice$/.exec(parts[podIndex] ?? '');
    if (match?.[1]) uid = match[1].replaceAll('_', '-');
  }
  if (!uid) return undefined;
  const rest = parts.slice(podIndex + 1);
  if (rest.length === 0) return { uid, qosClass };
  if (rest.length > 1) return undefined;
  const container = identifyContainerEntry(rest[0] ?? '', layout.driver);
  return container ? { uid, qosClass, ...container } : undefined;
}

/** Absolute path of a file of a cgroup in the hierarchy that holds the controller. */
export function cgroupFile(
  layout: CgroupLayout,
  controller: Controller,
  relDir: string,
  file: string,
): string {
  const root = controller === 'pressure' ? layout.hierarchies.pressure : layout.hierarchies[controller];
  if (root === undefined) throw new Error(`layout has no ${controller} hierarchy`);
  return path.join(root, relDir, file);
}

export interface LayoutOptions {
  /** Mount root of the cgroup file system (default /sys/fs/cgroup). */
  root?: string;
  version: CgroupVersion;
  driver: CgroupDriver;
  runtime?: ContainerRuntime;
  /** Kubelet --cgroup-root ("/" by default). */
  cgroupRoot?: string;
}

/**
 * The layout a kubelet with these settings produces (the simulated kubelet writes it; the agent
 * detects it). v1 uses the common `cpu,cpuacct` combined hierarchy and has no PSI.
 */
export function layoutFor(options: LayoutOptions): CgroupLayout {
  const root = options.root ?? DEFAULT_CGROUP_MOUNT;
  const hierarchies =
    options.version === 'v2'
      ? { cpu: root, cpuacct: root, memory: root, pressure: root }
      : {
          cpu: path.join(root, 'cpu,cpuacct'),
          cpuacct: path.join(root, 'cpu,cpuacct'),
          memory: path.join(root, 'memory'),
        };
  return {
    version: options.version,
    driver: options.driver,
    runtime: options.runtime,
    hierarchies,
    kubepodsDir: kubepodsDirFor(options.driver, options.cgroupRoot),
    features: { cpuThrottling: true, memory: true },
  };
}
