// Pure: which pods on this node kosmos tracks (a PodScale names them, or the hub directs them)
// and what the untracked, non-terminated pods request (subtracted from the node's capacity).
import type { V1Pod } from '@kubernetes/client-node';
import type {
  PodScale,
  PodScaleStatus,
  ScrapeSource,
  ServiceLevelAgreement,
} from '../../../lib/api/types.ts';
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
  pods: readonly V1Pod[];
  podScales: readonly PodScale[];
  directed: readonly DirectedPod[];
  sla: (namespace: string, name: string) => ServiceLevelAgreement | undefined;
}

export function buildNodeView(input: NodeViewInput): NodeView {
  const scaleByUid = new Map<string, PodScale>();
  for (const ps of input.podScales) if (ps.spec?.podRef?.uid) scaleByUid.set(ps.spec.podRef.uid, ps);
  const directedByUid = new Map(input.directed.map((d) => [d.uid, d]));
  const tracked: TrackedPod[] = [];
  const untrackedRequests: Allocation = { cpuMilli: 0, memoryBytes: 0 };
  for (const pod of input.pods) {
    if (isTerminated(pod)) continue;
    const uid = pod.metadata?.uid ?? '';
    const podScale = scaleByUid.get(uid);
    const directed = directedByUid.get(uid);
    if (!podScale && !directed) {
      const r = podRequests(pod);
      untrackedRequests.cpuMilli += r.cpuMilli;
      untrackedRequests.memoryBytes += r.memoryBytes;
      continue;
    }
    tracked.push(trackedPod(pod, podScale, directed, input.sla));
  }
  tracked.sort((a, b) => (a.namespace + '/' + a.name).localeCompare(b.namespace + '/' + b.name));
  return { tracked, untrackedRequests };
}

function trackedPod(
  pod: V1Pod,
  podScale: PodScale | undefined,
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
