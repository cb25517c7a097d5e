// The real node mode of the embedded cluster: the external kubelet's events drive real processes.
// A bound pod gets its cgroups (limits from its spec) and one process per container bound to the
// pod's own loopback IP, and turns Running once /healthz answers; an admitted resize rewrites the
// CFS quota and memory limit before the kubelet reports it enacted; a Terminating pod's processes get
// SIGTERM, then SIGKILL at its grace period, and it is removed once they are gone; a deleted pod's
// cgroups are removed.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../../lib/log.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../../lib/quantity.ts';
import { type ApiServer, type Json, type KObject, qosClass } from '../../../packages/apiserver/index.ts';
import type { CgroupLimits, PodCgroupRef, RealCgroupTree } from './cgroup-tree.ts';
import {
  containerLaunch,
  containerLogFile,
  type RunningContainer,
  startContainer,
  waitReady,
} from './container-process.ts';

export interface RealNodesOptions {
  api: ApiServer;
  tree: RealCgroupTree;
  log: Logger;
  /** Where containers' stdout/stderr go (pod-<name>-<container>.log); none when absent. */
  logDir?: string;
  /** Longest start-up before a pod is given up on (default 60 s). */
  startTimeoutMs?: number;
}

interface RealPod {
  ref: PodCgroupRef;
  namespace: string;
  name: string;
  ip: string;
  containers: Map<string, { id: string; running: RunningContainer }>;
  deleted: boolean;
  /** Resizes and deletion of one pod run one after the other. */
  chain: Promise<void>;
}

function limitsOf(container: Json): CgroupLimits {
  const r = container.resources ?? {};
  const q = (v: unknown, parse: (s: string) => number) => (v === undefined ? undefined : parse(String(v)));
  return {
    cpuLimitMilli: q(r.limits?.cpu, parseCpuMilli),
    cpuRequestMilli: q(r.requests?.cpu, parseCpuMilli),
    memoryLimitBytes: q(r.limits?.memory, parseMemoryBytes),
  };
}

export interface RealPodEvent {
  uid: string;
  name: string;
  node: string;
  ip: string;
}

export class RealNodes {
  readonly #o: RealNodesOptions;
  readonly #pods = new Map<string, RealPod>();
  readonly #ipPrefix: string;
  #nextIp = 0;
  #stopped = false;
  /** Pod start-ups under way, so stop() waits for them. */
  readonly #starting = new Set<Promise<void>>();
  readonly #listeners = {
    podBound: (pod: KObject) => this.#track(this.#start(pod)),
    resizeRequested: (pod: KObject) => this.#enqueue(pod.metadata.uid!, () => this.#resize(pod)),
    podTerminating: (pod: KObject) => this.#enqueue(pod.metadata.uid!, () => this.#terminate(pod)),
    podDeleted: (pod: KObject) => this.#enqueue(pod.metadata.uid!, () => this.#delete(pod.metadata.uid!)),
  };

  constructor(options: RealNodesOptions) {
    this.#o = options;
    // a random second octet: runs side by side on one machine do not share pod addresses
    this.#ipPrefix = `127.${20 + (randomBytes(1)[0]! % 200)}`;
  }

  start(): void {
    const k = this.#o.api.kubelet;
    k.on('podBound', this.#listeners.podBound);
    k.on('resizeRequested', this.#listeners.resizeRequested);
    k.on('podTerminating', this.#listeners.podTerminating);
    k.on('podDeleted', this.#listeners.podDeleted);
  }

  /** Live pods: uid → address and node (for a balancer or a load generator). */
  pods(): RealPodEvent[] {
    return [...this.#pods.entries()]
      .filter(([, p]) => !p.deleted)
      .map(([uid, p]) => ({ uid, name: p.name, node: p.ref.node, ip: p.ip }));
  }

  /** Stops every process and removes every pod's cgroups (the tree itself is the caller's). */
  async stop(): Promise<void> {
    this.#stopped = true;
    const k = this.#o.api.kubelet;
    k.off('podBound', this.#listeners.podBound);
    k.off('resizeRequested', this.#listeners.resizeRequested);
    k.off('podTerminating', this.#listeners.podTerminating);
    k.off('podDeleted', this.#listeners.podDeleted);
    await Promise.allSettled(this.#starting);
    await Promise.all([...this.#pods.keys()].map((uid) => this.#delete(uid)));
  }

  #track(p: Promise<void>): void {
    this.#starting.add(p);
    void p.finally(() => this.#starting.delete(p));
  }

  #enqueue(uid: string, step: () => Promise<void> | void): void {
    const pod = this.#pods.get(uid);
    if (!pod) return;
    pod.chain = pod.chain
      .then(step)
      .catch((err) => this.#o.log.warn({ err, pod: pod.name }, 'real pod step failed'));
  }

  #allocateIp(): string {
    this.#nextIp++;
    return `${this.#ipPrefix}.${(this.#nextIp >> 8) & 255}.${this.#nextIp & 255 || 1}`;
  }

  async #start(bound: KObject): Promise<void> {
    const { namespace, name, uid } = bound.metadata as { namespace: string; name: string; uid: string };
    const log = this.#o.log.child({ pod: name, node: bound.spec.nodeName });
    const ref: PodCgroupRef = {
      node: bound.spec.nodeName,
      uid,
      qosClass: bound.status?.qosClass ?? qosClass(bound.spec),
    };
    const pod: RealPod = {
      ref,
      namespace,
      name,
      ip: this.#allocateIp(),
      containers: new Map(),
      deleted: false,
      chain: Promise.resolve(),
    };
    this.#pods.set(uid, pod);
    const specs = bound.spec.containers as Json[];
    const ids = specs.map((c) => ({ c, id: randomBytes(32).toString('hex') }));
    try {
      this.#o.tree.ensurePod(
        ref,
        ids.map(({ c, id }) => ({ containerId: id, limits: limitsOf(c) })),
      );
      const launches = ids.map(({ c, id }) => {
        const launch = containerLaunch(c, { name, ip: pod.ip });
        const logFile = this.#o.logDir ? containerLogFile(this.#o.logDir, name, c.name) : undefined;
        const running = startContainer(launch, this.#o.tree.procsFiles(ref, id), logFile);
        pod.containers.set(c.name, { id, running });
        void running.exited.then((code) => {
          if (!pod.deleted && !this.#stopped) log.warn({ container: c.name, code }, 'container exited');
        });
        return { launch, running };
      });
      const started = Date.now();
      const ready = await Promise.all(
        launches.map((l) => waitReady(pod.ip, l.launch.port, l.running, this.#o.startTimeoutMs ?? 60_000)),
      );
      if (pod.deleted || this.#stopped) return;
      if (!ready.every(Boolean)) {
        log.error({ ip: pod.ip }, 'pod never became ready (no 200 from /healthz); it stays Pending');
        return;
      }
      const containerIds = Object.fromEntries(ids.map(({ c, id }) => [c.name, `containerd://${id}`]));
      this.#o.api.kubelet.startPod(namespace, name, { podIp: pod.ip, containerIds });
      log.info({ ip: pod.ip, startupMs: Date.now() - started }, 'real pod ready');
    } catch (err) {
      log.error({ err }, 'real pod failed to start');
    }
  }

  /** Admits the resize; when admitted, writes the new limits to the cgroups, then reports it enacted. */
  #resize(pod: KObject): void {
    const real = this.#pods.get(pod.metadata.uid!);
    if (!real || real.deleted) return;
    const { namespace, name } = real;
    const decision = this.#o.api.kubelet.admitResize(namespace, name);
    if (decision.outcome !== 'InProgress') return;
    const current = this.#o.api.api.get(this.#o.api.resource('', 'pods'), namespace, name);
    const containers = (current.spec.containers as Json[]).flatMap((c) => {
      const id = real.containers.get(c.name)?.id;
      return id ? [{ containerId: id, limits: limitsOf(c) }] : [];
    });
    const refused = this.#o.tree.setPodLimits(real.ref, containers);
    this.#o.log.info(
      {
        pod: name,
        node: real.ref.node,
        limits: containers.map((c) => c.limits),
        memoryRefused: refused.length > 0,
      },
      'real pod limits rewritten',
    );
    this.#o.api.kubelet.completeResize(namespace, name);
  }

  /** SIGTERM to every container, SIGKILL to those still running at the grace period; then the pod goes. */
  async #terminate(pod: KObject): Promise<void> {
    const real = this.#pods.get(pod.metadata.uid!);
    if (!real || real.deleted) return;
    real.deleted = true;
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const started = Date.now();
    await Promise.all([...real.containers.values()].map((c) => c.running.stop(graceMs)));
    this.#o.log.info(
      { pod: real.name, node: real.ref.node, graceMs, stoppedMs: Date.now() - started },
      'real pod terminated',
    );
    this.#o.api.kubelet.finishTermination(real.namespace, real.name, pod.metadata.uid!);
  }

  async #delete(uid: string): Promise<void> {
    const pod = this.#pods.get(uid);
    if (!pod) return;
    pod.deleted = true;
    this.#pods.delete(uid);
    await Promise.all([...pod.containers.values()].map((c) => c.running.stop()));
    this.#o.tree.removePod(pod.ref);
    this.#o.log.info({ pod: pod.name, node: pod.ref.node }, 'real pod stopped');
  }
}
