// The node side of pods: start bound pods (Running, Ready, containerStatuses with resources)
// and enact in-place resizes (KEP-1287: PodResizeInProgress, or PodResizePending Deferred /
// Infeasible). In `external` mode nothing happens by itself: simulated nodes call the same
// operations (startPod, admitResize, completeResize) when they choose, prompted by the events.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../../lib/log.ts';
import { formatCpuMilli, formatMemoryBytes } from '../../../lib/quantity.ts';
import { clone, type Json, type KObject, nowTimestamp } from '../object-types.ts';
import type { ObjectApi } from '../objects.ts';
import { getCondition, podRequests, removeCondition, setCondition } from '../pods.ts';
import type { ResourceType } from '../registry.ts';
import type { StoreEvent } from '../store.ts';
import { admitPod, resizeFeasibility } from './kubelet-admission.ts';
import { nsName, splitKey } from './queue.ts';
import { StoreController } from './store-controller.ts';

export type KubeletMode = 'builtin' | 'external';

export interface KubeletOptions {
  mode: KubeletMode;
  podStartDelayMs: number;
  resizeDelayMs: number;
  /** How long a deleted pod's containers take to stop (capped by its grace period). */
  podTerminationDelayMs?: number;
  /** Pod IP for a starting pod (default 127.0.0.1: pods are served on loopback). */
  podIp?: (pod: KObject) => string | undefined;
}

export type ResizeOutcome = 'None' | 'InProgress' | 'Deferred' | 'Infeasible';

export interface ResizeDecision {
  outcome: ResizeOutcome;
  message?: string;
}

export interface KubeletEvents {
  /** A pod on a node was deleted: it is Terminating until its containers stop. */
  podTerminating: [KObject];
  /** A pod was bound to a node and waits to be started. */
  podBound: [KObject];
  podStarted: [KObject];
  /** The node had no room for a bound pod: it failed with OutOfcpu / OutOfmemory. */
  podRejected: [KObject];
  /** A pod's desired resources differ from what its node has admitted or enacted. */
  resizeRequested: [KObject];
  resizeDecided: [KObject, ResizeDecision];
  /** A resize was enacted: containerStatuses[].resources now equal the spec. */
  podResized: [KObject];
  podDeleted: [KObject];
}

function containerId(): string {
  return `containerd://${randomBytes(32).toString('hex')}`;
}

function requestsOnly(resources: Json): Json {
  return clone(resources?.requests ?? {});
}

/** Spec resources of one container, as containerStatuses[].resources reports them. */
function enactedView(c: Json): Json {
  const out: Json = {};
  if (c.resources?.requests && Object.keys(c.resources.requests).length > 0)
    out.requests = clone(c.resources.requests);
  if (c.resources?.limits && Object.keys(c.resources.limits).length > 0)
    out.limits = clone(c.resources.limits);
  return out;
}

export class Kubelet extends EventEmitter<KubeletEvents> {
  private readonly api: ObjectApi;
  private readonly log: Logger;
  private readonly options: KubeletOptions;
  private readonly controller: StoreController;
  private readonly pods: ResourceType;
  private readonly nodes: ResourceType;
  /**
   * Admitted pods not started yet: uid → their containers as admitted. The kubelet allocates at
   * admission; a resize made before the start is a resize of the started pod, not its start size.
   */
  private readonly starting = new Map<string, Json[]>();
  /** Uids of Terminating pods whose containers are being stopped. */
  private readonly terminating = new Set<string>();
  /** Pod uid → the desired resources last considered, so each change is decided once. */
  private readonly considered = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(api: ObjectApi, log: Logger, options: KubeletOptions) {
    super();
    this.api = api;
    this.log = log;
    this.options = options;
    this.controller = new StoreController(api.store, log, {
      observe: (ev) => this.observe(ev),
      reconcile: (key) => this.sync(key),
    });
    this.pods = api.registry.byPlural('', 'pods');
    this.nodes = api.registry.byPlural('', 'nodes');
  }

  start(): void {
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
    for (const t of this.timers) clearTimeout(t);
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        fn();
      } catch (err) {
        this.log.warn({ err }, 'kubelet step failed');
      }
    }, ms);
    this.timers.add(timer);
  }

  private observe(ev: StoreEvent): void {
    if (ev.resource !== '/pods' || !ev.object.spec?.nodeName) return;
    const key = nsName(ev.object.metadata.namespace, ev.object.metadata.name!);
    if (ev.type === 'DELETED') {
      this.starting.delete(ev.object.metadata.uid!);
      this.terminating.delete(ev.object.metadata.uid!);
      this.considered.delete(ev.object.metadata.uid!);
      this.emit('podDeleted', ev.object);
      this.retryPending(ev.object.spec.nodeName);
      return;
    }
    this.controller.queue.add(key);
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.api.tryGet(this.pods, namespace, name);
    if (!pod?.spec.nodeName) return;
    if (pod.metadata.deletionTimestamp) {
      this.terminate(pod);
      return;
    }
    const uid = pod.metadata.uid!;
    if (pod.status?.phase === 'Pending' && !pod.status.containerStatuses) {
      if (this.starting.has(uid)) return;
      // No node object, no kubelet: the pod stays Pending, as on a real cluster.
      const node = this.api.tryGet(this.nodes, undefined, pod.spec.nodeName);
      if (!node) return;
      const admission = admitPod(pod, node, this.admittedOn(pod.spec.nodeName));
      if (!admission.admit) {
        this.reject(pod, admission.reason, admission.message);
        return;
      }
      this.starting.set(uid, structuredClone(pod.spec.containers));
      this.emit('podBound', pod);
      if (this.options.mode === 'builtin')
        this.after(this.options.podStartDelayMs, () => this.startPod(namespace, name));
      return;
    }
    if (pod.status?.phase !== 'Running') return;
    if (!this.resizeWanted(pod)) {
      this.settle(pod);
      return;
    }
    const desired = JSON.stringify((pod.spec.containers as Json[]).map(enactedView));
    if (this.considered.get(uid) === desired) return;
    this.considered.set(uid, desired);
    this.emit('resizeRequested', pod);
    if (this.options.mode !== 'builtin') return;
    const decision = this.admitResize(namespace, name);
    if (decision.outcome === 'InProgress') {
      this.after(this.options.resizeDelayMs, () => this.completeResize(namespace, name));
    }
  }

  /**
   * Stop a Terminating pod's containers, then remove it (a delete with grace period 0), as the
   * kubelet does: after the sim's termination delay, never later than the grace period. In external
   * mode the node stops the containers (SIGTERM, SIGKILL at the grace period) and calls
   * finishTermination; the pod is removed at the grace period (+2 s) whatever the node does.
   */
  private terminate(pod: KObject): void {
    const uid = pod.metadata.uid!;
    if (this.terminating.has(uid)) return;
    this.terminating.add(uid);
    this.emit('podTerminating', pod);
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    const delayMs =
      this.options.mode === 'external'
        ? graceMs + 2000
        : Math.min(graceMs, this.options.podTerminationDelayMs ?? 100);
    const { namespace, name } = pod.metadata;
    this.after(delayMs, () => this.finishTermination(namespace, name!, uid));
  }

  /** The Terminating pod's containers have stopped: remove it (a delete with grace period 0). */
  finishTermination(namespace: string | undefined, name: string, uid: string): void {
    const current = this.api.tryGet(this.pods, namespace, name);
    if (current?.metadata.uid !== uid) return;
    this.api.delete(this.pods, namespace, name, { gracePeriodSeconds: 0 });
    this.log.info({ pod: name, namespace, node: current.spec.nodeName }, 'pod terminated');
  }

  /** Pods the kubelet of `nodeName` has admitted: started, or admitted and starting. */
  private admittedOn(nodeName: string): KObject[] {
    const out: KObject[] = [];
    for (const p of this.api.store.scan('/pods')) {
      if (p.spec?.nodeName !== nodeName) continue;
      const admitted = this.starting.get(p.metadata.uid!);
      if (admitted) out.push({ ...(p as KObject), spec: { ...p.spec, containers: admitted } });
      else if (p.status?.containerStatuses) out.push(p as KObject);
    }
    return out;
  }

  /** The pod does not fit its node: it fails without starting (OutOfcpu / OutOfmemory). */
  private reject(pod: KObject, reason: string, message: string): void {
    pod.status = {
      ...pod.status,
      phase: 'Failed',
      reason,
      message,
      startTime: pod.status?.startTime ?? nowTimestamp(),
    };
    this.api.update(this.pods, pod, 'status');
    this.log.info(
      { pod: pod.metadata.name, namespace: pod.metadata.namespace, node: pod.spec.nodeName, reason },
      'pod rejected',
    );
    this.emit('podRejected', pod);
  }

  /** The spec went back to what is enacted: drop resize conditions and stale allocations. */
  private settle(pod: KObject): void {
    this.considered.delete(pod.metadata.uid!);
    if (!getCondition(pod, 'PodResizePending') && !getCondition(pod, 'PodResizeInProgress')) return;
    removeCondition(pod, 'PodResizePending');
    removeCondition(pod, 'PodResizeInProgress');
    for (const s of pod.status.containerStatuses as Json[]) {
      const c = (pod.spec.containers as Json[]).find((x) => x.name === s.name);
      if (c) s.allocatedResources = requestsOnly(c.resources);
    }
    this.api.update(this.pods, pod, 'status');
  }

  /** Reconsider the pods on a node whose resize waits for room (room may have been freed). */
  private retryPending(nodeName: string): void {
    for (const p of this.api.store.scan('/pods')) {
      if (
        p.spec?.nodeName === nodeName &&
        getCondition(p as KObject, 'PodResizePending')?.reason === 'Deferred'
      ) {
        this.considered.delete(p.metadata.uid!);
        this.controller.queue.add(nsName(p.metadata.namespace, p.metadata.name!));
      }
    }
  }

  /** True when the spec differs from what was admitted or enacted. */
  resizeWanted(pod: KObject): boolean {
    const statuses: Json[] = pod.status?.containerStatuses ?? [];
    return (pod.spec.containers as Json[]).some((c) => {
      const s = statuses.find((x) => x.name === c.name);
      return !s || !isDeepStrictEqual(s.resources ?? {}, enactedView(c));
    });
  }

  private hostIp(nodeName: string): string {
    const node = this.api.tryGet(this.nodes, undefined, nodeName);
    const addr = (node?.status?.addresses ?? []).find((a: Json) => a.type === 'InternalIP');
    return addr?.address ?? '127.0.0.1';
  }

  /**
   * Start a bound pod now: Running, Ready, one running status per container. A node that runs real
   * processes names their container ids (its cgroups are named after them).
   */
  startPod(
    namespace: string,
    name: string,
    opts: { podIp?: string; containerIds?: Record<string, string> } = {},
  ): KObject {
    const pod = this.api.get(this.pods, namespace, name);
    const admitted: Json[] = this.starting.get(pod.metadata.uid!) ?? pod.spec.containers;
    const now = nowTimestamp();
    const podIp = opts.podIp ?? this.options.podIp?.(pod) ?? '127.0.0.1';
    const hostIp = this.hostIp(pod.spec.nodeName);
    pod.status = {
      ...pod.status,
      phase: 'Running',
      hostIP: hostIp,
      hostIPs: [{ ip: hostIp }],
      podIP: podIp,
      podIPs: [{ ip: podIp }],
      startTime: pod.status?.startTime ?? now,
      observedGeneration: pod.metadata.generation,
      containerStatuses: admitted.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: `sim://${c.image}`,
        containerID: opts.containerIds?.[c.name] ?? containerId(),
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: now } },
        lastState: {},
        allocatedResources: requestsOnly(c.resources),
        resources: enactedView(c),
      })),
    };
    for (const type of [
      'PodReadyToStartContainers',
      'Initialized',
      'ContainersReady',
      'Ready',
      'PodScheduled',
    ]) {
      setCondition(pod, { type, status: 'True' });
    }
    const started = this.api.update(this.pods, pod, 'status');
    this.starting.delete(pod.metadata.uid!);
    this.log.info({ pod: name, namespace, node: pod.spec.nodeName, podIp }, 'pod started');
    this.emit('podStarted', started);
    return started;
  }

  /**
   * Admit (or not) the pod's desired resources on its node: InProgress when they fit,
   * Deferred when they fit the node but not what other pods hold, Infeasible when they exceed
   * the node's allocatable. Writes the conditions and allocatedResources.
   */
  admitResize(namespace: string, name: string): ResizeDecision {
    const pod = this.api.get(this.pods, namespace, name);
    if (!this.resizeWanted(pod)) return { outcome: 'None' };
    const node = this.api.get(this.nodes, undefined, pod.spec.nodeName);
    const decision: ResizeDecision = resizeFeasibility(pod, node, this.admittedOn(pod.spec.nodeName));
    if (decision.outcome === 'InProgress') {
      removeCondition(pod, 'PodResizePending');
      setCondition(pod, { type: 'PodResizeInProgress', status: 'True' });
      for (const s of pod.status.containerStatuses as Json[]) {
        const c = (pod.spec.containers as Json[]).find((x) => x.name === s.name);
        if (c) s.allocatedResources = requestsOnly(c.resources);
      }
    } else {
      setCondition(pod, {
        type: 'PodResizePending',
        status: 'True',
        reason: decision.outcome,
        message: decision.message,
      });
    }
    this.api.update(this.pods, pod, 'status');
    const want = podRequests(pod.spec);
    this.log.info(
      {
        pod: name,
        namespace,
        node: pod.spec.nodeName,
        outcome: decision.outcome,
        cpuMilli: want.cpuMilli,
        memoryBytes: want.memoryBytes,
        reason: decision.message,
      },
      'resize admission',
    );
    this.emit('resizeDecided', pod, decision);
    return decision;
  }

  /** Finish an admitted resize: containerStatuses[].resources take the spec's values. */
  completeResize(namespace: string, name: string): KObject {
    const pod = this.api.get(this.pods, namespace, name);
    if (!getCondition(pod, 'PodResizeInProgress')) return pod;
    for (const s of pod.status.containerStatuses as Json[]) {
      const c = (pod.spec.containers as Json[]).find((x) => x.name === s.name);
      if (c) {
        s.allocatedResources = requestsOnly(c.resources);
        s.resources = enactedView(c);
      }
    }
    removeCondition(pod, 'PodResizeInProgress');
    pod.status.observedGeneration = pod.metadata.generation;
    const done = this.api.update(this.pods, pod, 'status');
    const r = podRequests(done.spec);
    this.log.info(
      { pod: name, namespace, cpu: formatCpuMilli(r.cpuMilli), memory: formatMemoryBytes(r.memoryBytes) },
      'resize enacted',
    );
    this.considered.delete(done.metadata.uid!);
    this.emit('podResized', done);
    this.retryPending(done.spec.nodeName);
    return done;
  }
}
