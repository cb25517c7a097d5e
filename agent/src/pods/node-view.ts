// Pure: which pods on this node kosmos tracks (a PodScale names them, or the hub directs them)
// and what the untracked, non-terminated pods request (subtracted from the node's capacity).
import type { AgentPodScale } from '../../../lib/api/cached-objects.ts';
import type { PodScaleStatus, ScrapeSource, ServiceLevelAgreement } from '../../../lib/api/types.ts';
import type { CachedPod } from '../../../lib/cached-pod.ts';
import {
  type Allocation,
  type ContainerHealth,
  type ContainerResources,
  containerHealth,
  enactedAllocation,
  findContainer,
  isTerminated,
  podRequests,
  type QosClass,
  qosClassOf,
  type ResizeStatus,
  resizeStatusOf,
  specResources,
} from './pod-resources.ts';

/** What the hub said about a pod it directs (enough to track it without a PodScale). */
export interface DirectedPod {
  uid: string;
  container: string;
  sla: string;
}

export interface TrackedPod {
  uid: string;
  namespace: string;
  name: string;
  container: string;
  /** "<namespace>/<name>" of the governing SLA, or '' when unknown. */
  sla: string;
  podIp: string;
  qosClass: QosClass;
  spec: ContainerResources;
  enacted: Allocation | undefined;
  resize: ResizeStatus;
  health: ContainerHealth;
  podScaleName?: string;
  podScaleStatus?: PodScaleStatus;
  scrape?: ScrapeSource;
}

export interface NodeView {
  tracked: TrackedPod[];
  untrackedRequests: Allocation;
}

export interface NodeViewInput {
  pods: readonly CachedPod[];
  podScales: readonly AgentPodScale[];
  directed: readonly DirectedPod[];
  sla: (namespace: string, name: string) => ServiceLevelAgreement | undefined;
}

/** What a pod's entry in the view was built from: reused while every input is the same object. */
interface CachedEntry {
  pod: CachedPod;
  podScale: AgentPodScale | undefined;
  directed: string;
  sla: ServiceLevelAgreement | undefined;
  tracked: TrackedPod | undefined;
  requests: Allocation | undefined;
}

/**
 * The node view kept between ticks: a pod's entry is rebuilt only when its Pod, PodScale, SLA or
 * directive entry changed (the informers hand out the same object until it does), so a steady node
 * costs a lookup per pod, not a parse of every quantity.
 */
export class NodeViewCache {
  #entries = new Map<string, CachedEntry>();

  build(input: NodeViewInput): NodeView {
    const next = new Map<string, CachedEntry>();
    const view = buildNodeView(input, (pod, podScale, directed) => {
      const uid = pod.metadata?.uid ?? '';
      const namespace = pod.metadata?.namespace ?? 'default';
      const slaName = podScale?.spec.slaRef?.name;
      const sla = slaName ? input.sla(namespace, slaName) : undefined;
      const directedKey = directed ? `${directed.container}\u0000${directed.sla}` : '';
      let entry = this.#entries.get(uid);
      if (
        !entry ||
        entry.pod !== pod ||
        entry.podScale !== podScale ||
        entry.sla !== sla ||
        entry.directed !== directedKey
      ) {
        const isTracked = podScale !== undefined || directed !== undefined;
        entry = {
          pod,
          podScale,
          directed: directedKey,
          sla,
          tracked: isTracked ? trackedPod(pod, podScale, directed, input.sla) : undefined,
          requests: isTracked ? undefined : podRequests(pod),
        };
      }
      next.set(uid, entry);
      return entry;
    });
    this.#entries = next;
    return view;
  }
}

export function buildNodeView(
  input: NodeViewInput,
  entryOf: (
    pod: CachedPod,
    podScale: AgentPodScale | undefined,
    directed: DirectedPod | undefined,
  ) => { tracked: TrackedPod | undefined; requests: Allocation | undefined } = (pod, podScale, directed) =>
    podScale || directed
      ? { tracked: trackedPod(pod, podScale, directed, input.sla), requests: undefined }
      : { tracked: undefined, requests: podRequests(pod) },
): NodeView {
  const scaleByUid = new Map<string, AgentPodScale>();
  for (const ps of input.podScales) if (ps.spec?.podRef?.uid) scaleByUid.set(ps.spec.podRef.uid, ps);
  const directedByUid = new Map(input.directed.map((d) => [d.uid, d]));
  const tracked: TrackedPod[] = [];
  const untrackedRequests: Allocation = { cpuMilli: 0, memoryBytes: 0 };
  for (const pod of input.pods) {
    if (isTerminated(pod)) continue;
    const uid = pod.metadata?.uid ?? '';
    const entry = entryOf(pod, scaleByUid.get(uid), directedByUid.get(uid));
    if (entry.tracked) tracked.push(entry.tracked);
    else if (entry.requests) {
      untrackedRequests.cpuMilli += entry.requests.cpuMilli;
      untrackedRequests.memoryBytes += entry.requests.memoryBytes;
    }
  }
  // code-point order: localeCompare would load ICU collation data (~8 MiB resident) every tick
  tracked.sort((a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.name, b.name));
  return { tracked, untrackedRequests };
}

function trackedPod(
  pod: CachedPod,
  podScale: AgentPodScale | undefined,
  directed: DirectedPod | undefined,
  slaLookup: NodeViewInput['sla'],
): TrackedPod {
  const namespace = pod.metadata?.namespace ?? 'default';
  const slaName = podScale?.spec.slaRef?.name;
  const sla = slaName ? slaLookup(namespace, slaName) : undefined;
  const wanted = podScale?.spec.container || directed?.container || sla?.spec.container || undefined;
  const container = findContainer(pod, wanted)?.name ?? wanted ?? '';
  return {
    uid: pod.metadata?.uid ?? '',
    namespace,
    name: pod.metadata?.name ?? '',
    container,
    sla: slaName ? `${namespace}/${slaName}` : (directed?.sla ?? ''),
    podIp: pod.status?.podIP ?? '',
    qosClass: qosClassOf(pod),
    spec: specResources(pod, container),
    enacted: enactedAllocation(pod, container),
    resize: resizeStatusOf(pod),
    health: containerHealth(pod, container),
    ...(podScale?.metadata.name ? { podScaleName: podScale.metadata.name } : {}),
    ...(podScale?.status ? { podScaleStatus: podScale.status } : {}),
    ...(sla?.spec.metrics?.scrape ? { scrape: sla.spec.metrics.scrape } : {}),
  };
}

export function podKey(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
