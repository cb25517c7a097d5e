// The hub's in-memory view of the cluster as the agents report it: nodes (connected, stale),
// each tracked pod's latest observation, and the directive planned for it. No clock, no I/O.
import type { PodDirective } from '../../../proto/gen/kosmos/v1/PodDirective.ts';
import { type NodeRoomInput, nodeRoomInput } from '../horizontal/room.ts';
import type { Resources } from '../recommender/types.ts';
import type { NodeSample, PodSample } from './pod-sample.ts';

export interface NodeState {
  name: string;
  connected: boolean;
  /** True once the stream dropped or the node went silent: its observations are not acted on. */
  stale: boolean;
  agentVersion: string;
  lastReportMs: number;
  connectedSinceMs: number;
  sequence: number;
  allocatable: Resources | null;
  untrackedRequests: Resources | null;
}

export interface PodObservation {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  sample: PodSample;
  receivedMs: number;
  windowSeconds: number;
}

export interface PlannedPod {
  node: string;
  directive: PodDirective;
}

export function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class ClusterModel {
  readonly #nodes = new Map<string, NodeState>();
  readonly #pods = new Map<string, PodObservation>();
  readonly #plans = new Map<string, PlannedPod>();
  /**
   * The same records by node and uid, so a report, a directive or a node's room costs O(pods on the
   * node) and reads each record without a lookup in the cluster-wide maps.
   */
  readonly #podsByNode = new Map<string, Map<string, PodObservation>>();
  readonly #plansByNode = new Map<string, Map<string, PlannedPod>>();
  /** Reused per node by nodeRoom(): one record per tracked pod, rewritten for each node. */
  readonly #promised: { enactedCpuMilli: number; plannedCpuMilli: number }[] = [];
  readonly #promisePool: { enactedCpuMilli: number; plannedCpuMilli: number }[] = [];
  /** Each node's directive list as last built, until a plan on the node changes. */
  readonly #directives = new Map<string, readonly PodDirective[]>();
  /**
   * Each node's room input as last built, until what it adds up changes: its allocatable or untracked
   * CPU, its pod set, a pod's enacted CPU, a plan on it.
   */
  readonly #room = new Map<string, NodeRoomInput>();

  connect(node: string, agentVersion: string, nowMs: number): NodeState {
    const prev = this.#nodes.get(node);
    const state: NodeState = {
      name: node,
      connected: true,
      stale: false,
      agentVersion,
      lastReportMs: prev?.lastReportMs ?? 0,
      connectedSinceMs: nowMs,
      sequence: prev?.sequence ?? 0,
      allocatable: prev?.allocatable ?? null,
      untrackedRequests: prev?.untrackedRequests ?? null,
    };
    this.#nodes.set(node, state);
    return state;
  }

  /** The node's stream dropped: keep what we know, but mark it stale so nothing acts on it. */
  disconnect(node: string): void {
    const state = this.#nodes.get(node);
    if (!state) return;
    state.connected = false;
    state.stale = true;
  }

  /** Folds one report: it is the node's full snapshot, so pods missing from it leave the model. */
  foldReport(report: NodeSample, nowMs: number): void {
    const node =
      this.#nodes.get(report.nodeName) ?? this.connect(report.nodeName, report.agentVersion, nowMs);
    node.lastReportMs = nowMs;
    node.sequence = report.sequence;
    node.stale = !node.connected;
    if (
      node.allocatable?.cpuMilli !== report.allocatable?.cpuMilli ||
      node.untrackedRequests?.cpuMilli !== report.untrackedRequests?.cpuMilli
    ) {
      this.#room.delete(report.nodeName);
    }
    node.allocatable = report.allocatable;
    node.untrackedRequests = report.untrackedRequests;
    const name = report.nodeName;
    const previous = this.#podsByNode.get(name);
    // Pods already observed on this node are updated in place; a report naming exactly them (the
    // steady state) leaves the node's pod set as it is.
    let known = 0;
    for (const pod of report.pods) {
      // the node's own few records first: a steady report never looks into the cluster-wide map
      const before = previous?.get(pod.uid) ?? this.#pods.get(pod.uid);
      if (before && before.node === name) {
        // a uid named twice in one report is counted once (the second sees this report's time)
        if (before.receivedMs !== nowMs) known++;
        if (before.sample.enacted.cpuMilli !== pod.enacted.cpuMilli) this.#room.delete(name);
        before.namespace = pod.namespace;
        before.name = pod.name;
        before.sample = pod;
        before.receivedMs = nowMs;
        before.windowSeconds = report.windowSeconds;
        continue;
      }
      // (this node's room is dropped below: a pod new to it changes its pod set)
      if (before) {
        this.#podsByNode.get(before.node)?.delete(pod.uid);
        this.#room.delete(before.node);
      }
      this.#pods.set(pod.uid, {
        uid: pod.uid,
        namespace: pod.namespace,
        name: pod.name,
        node: name,
        sample: pod,
        receivedMs: nowMs,
        windowSeconds: report.windowSeconds,
      });
    }
    if (previous && known === previous.size && known === report.pods.length) return;
    this.#room.delete(name);
    const seen = new Map<string, PodObservation>();
    for (const pod of report.pods) {
      const obs = this.#pods.get(pod.uid);
      if (obs) seen.set(pod.uid, obs);
    }
    if (previous) for (const uid of previous.keys()) if (!seen.has(uid)) this.#pods.delete(uid);
    this.#podsByNode.set(name, seen);
  }

  /** The node is gone (deleted, or silent too long): forget it and what its agent reported. */
  removeNode(node: string): void {
    this.#planChanged(node);
    for (const uid of this.#podsByNode.get(node)?.keys() ?? []) this.#pods.delete(uid);
    this.#podsByNode.delete(node);
    this.#nodes.delete(node);
  }

  /** Marks connected nodes that have not reported within staleAfterMs; returns their names. */
  markSilentStale(nowMs: number, staleAfterMs: number): string[] {
    const marked: string[] = [];
    for (const node of this.#nodes.values()) {
      const since = Math.max(node.lastReportMs, node.connectedSinceMs);
      if (!node.stale && nowMs - since > staleAfterMs) {
        node.stale = true;
        marked.push(node.name);
      }
    }
    return marked;
  }

  node(name: string): NodeState | undefined {
    return this.#nodes.get(name);
  }

  nodes(): NodeState[] {
    return [...this.#nodes.values()];
  }

  observation(uid: string): PodObservation | undefined {
    return this.#pods.get(uid);
  }

  observations(): PodObservation[] {
    return [...this.#pods.values()];
  }

  /** An observation is fresh when its node is connected and not stale. */
  isFresh(uid: string): boolean {
    const obs = this.#pods.get(uid);
    return obs !== undefined && this.isFreshObservation(obs);
  }

  /** isFresh for an observation already in hand (no second look-up by uid). */
  isFreshObservation(obs: PodObservation): boolean {
    const node = this.#nodes.get(obs.node);
    return node?.connected === true && !node.stale;
  }

  /**
   * The pod's directive from the last pass. An unchanged plan (same node, same directive) is skipped:
   * its node's directive list stays as built (directivesFor), so a steady node costs nothing to serve.
   */
  setPlan(uid: string, node: string, directive: PodDirective): void {
    const before = this.#plans.get(uid);
    if (before && before.node === node) {
      if (sameDirective(before.directive, directive)) return;
      // the record stays where it is (in both maps); only its directive moves
      before.directive = directive;
      this.#planChanged(node);
      return;
    }
    if (before) {
      this.#plansByNode.get(before.node)?.delete(uid);
      this.#planChanged(before.node);
    }
    const planned: PlannedPod = { node, directive };
    this.#plans.set(uid, planned);
    let onNode = this.#plansByNode.get(node);
    if (!onNode) {
      onNode = new Map<string, PlannedPod>();
      this.#plansByNode.set(node, onNode);
    }
    onNode.set(uid, planned);
    this.#planChanged(node);
  }

  /** A plan on the node changed: its directive list and its room are built again when next asked. */
  #planChanged(node: string): void {
    this.#directives.delete(node);
    this.#room.delete(node);
  }

  plan(uid: string): PlannedPod | undefined {
    return this.#plans.get(uid);
  }

  /** The plans of pods placed on the node, by uid (the model's own records: read, never change). */
  plansOn(node: string): ReadonlyMap<string, PlannedPod> | undefined {
    return this.#plansByNode.get(node);
  }

  /** The pod is gone (deleted, or no longer matched): forget its observation and plan. */
  forgetPod(uid: string): void {
    const obs = this.#pods.get(uid);
    if (obs) {
      this.#podsByNode.get(obs.node)?.delete(uid);
      this.#room.delete(obs.node);
    }
    const plan = this.#plans.get(uid);
    if (plan) {
      this.#plansByNode.get(plan.node)?.delete(uid);
      this.#planChanged(plan.node);
    }
    this.#pods.delete(uid);
    this.#plans.delete(uid);
  }

  /**
   * Directives for one node: only pods placed on that node. Built once per change of a plan on the
   * node and shared by every caller until the next change: never mutate it.
   */
  directivesFor(node: string): readonly PodDirective[] {
    const cached = this.#directives.get(node);
    if (cached) return cached;
    const out: PodDirective[] = [];
    for (const plan of this.#plansByNode.get(node)?.values() ?? []) out.push(plan.directive);
    this.#directives.set(node, out);
    return out;
  }

  /**
   * Per node that reports (and is not stale): its allocatable CPU and what is promised on it, the
   * untracked requests plus, per tracked pod, the larger of its enacted CPU and its planned desired.
   * Stale or silent nodes are left out: nothing is known to be free there. A node's record is built
   * again only after what it adds up changed (#room), and is shared with the next callers: read, never change.
   */
  nodeRoom(): readonly NodeRoomInput[] {
    const out: NodeRoomInput[] = [];
    for (const node of this.#nodes.values()) {
      if (node.stale || !node.connected || !node.allocatable) continue;
      let room = this.#room.get(node.name);
      if (!room) {
        room = nodeRoomInput({
          allocatableCpuMilli: node.allocatable.cpuMilli,
          untrackedCpuMilli: node.untrackedRequests?.cpuMilli ?? 0,
          pods: this.#promises(node.name),
        });
        this.#room.set(node.name, room);
      }
      out.push(room);
    }
    return out;
  }

  /**
   * Each tracked pod of the node, reported or only planned there: its enacted and planned CPU. The
   * records are #promised's, rewritten for the next node: nodeRoomInput reads them before that.
   */
  #promises(node: string): readonly { enactedCpuMilli: number; plannedCpuMilli: number }[] {
    const reported = this.#podsByNode.get(node);
    const planned = this.#plansByNode.get(node);
    const out = this.#promised;
    out.length = 0;
    for (const obs of reported?.values() ?? []) {
      out.push(
        this.#promise(out.length, obs.sample.enacted.cpuMilli, plannedCpuMilli(planned?.get(obs.uid))),
      );
    }
    for (const [uid, plan] of planned ?? []) {
      if (!reported?.has(uid)) out.push(this.#promise(out.length, 0, plannedCpuMilli(plan)));
    }
    return out;
  }

  /** The i-th reused promise record, rewritten. */
  #promise(i: number, enactedCpuMilli: number, plannedCpuMilli: number) {
    let pod = this.#promisePool[i];
    if (!pod) {
      pod = { enactedCpuMilli: 0, plannedCpuMilli: 0 };
      this.#promisePool[i] = pod;
    }
    pod.enactedCpuMilli = enactedCpuMilli;
    pod.plannedCpuMilli = plannedCpuMilli;
    return pod;
  }

  plannedUids(): string[] {
    return [...this.#plans.keys()];
  }
}

function plannedCpuMilli(plan: PlannedPod | undefined): number {
  return Number(plan?.directive.desired?.cpuMilli ?? 0);
}

function sameResources(a: PodDirective['desired'], b: PodDirective['desired']): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  // Object.is: a field left unset on both sides (NaN after Number) is the same, not a change
  return (
    Object.is(Number(a.cpuMilli), Number(b.cpuMilli)) &&
    Object.is(Number(a.memoryBytes), Number(b.memoryBytes))
  );
}

/** Field by field: a directive is a flat message of scalars and Resources. */
export function sameDirective(a: PodDirective, b: PodDirective): boolean {
  return (
    a.uid === b.uid &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.container === b.container &&
    a.sla === b.sla &&
    a.priority === b.priority &&
    a.recommendOnly === b.recommendOnly &&
    a.hubSourcedMetrics === b.hubSourcedMetrics &&
    a.metricsFailureReason === b.metricsFailureReason &&
    a.metricsFailureMessage === b.metricsFailureMessage &&
    sameResources(a.desired, b.desired) &&
    sameResources(a.minimum, b.minimum) &&
    sameResources(a.maximum, b.maximum) &&
    sameResources(a.essential, b.essential)
  );
}
