// Which PodScales an SLA needs: exactly one per matched, non-terminated pod that can be resized,
// created with its current resources (or the SLA default) and deleted when the pod goes. Pure.
import type { CachedPodScale, CachedSla } from '../../../lib/api/cached-objects.ts';
import { API_VERSION, type PodScale } from '../../../lib/api/types.ts';
import type { CachedContainer, CachedPod } from '../../../lib/cached-pod.ts';
import { formatCpuMilli, formatMemoryBytes, parseCpuMilli, parseMemoryBytes } from '../../../lib/quantity.ts';

export const SLA_LABEL = 'autoscaling.kosmos.dev/sla';

export type UnfitReason = 'ContainerNotFound' | 'NotResizable' | 'ClaimedByOtherSla';

export interface UnfitPod {
  pod: string;
  uid: string;
  reason: UnfitReason;
  message: string;
}

export interface TrackedPod {
  pod: CachedPod;
  uid: string;
  name: string;
  container: string;
  nodeName?: string;
}

export interface PodScalePlan {
  tracked: TrackedPod[];
  create: PodScale[];
  /** Names of PodScales to delete (pod gone, terminated, replaced or no longer fit). */
  delete: string[];
  unfit: UnfitPod[];
}

export function isTerminated(pod: CachedPod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || pod.metadata?.deletionTimestamp !== undefined;
}

export function slaContainer(sla: CachedSla, pod: CachedPod): CachedContainer | undefined {
  const containers = pod.spec?.containers ?? [];
  return sla.spec.container ? containers.find((c) => c.name === sla.spec.container) : containers[0];
}

/** BestEffort pods have no requests to resize, and resize may never change a pod's QoS class. */
export function resizeProblem(pod: CachedPod, container: CachedContainer): string | undefined {
  if (pod.status?.qosClass === 'BestEffort') return 'pod is BestEffort: it has no requests to resize';
  const r = container.resources;
  const hasAny = Object.keys(r?.requests ?? {}).length > 0 || Object.keys(r?.limits ?? {}).length > 0;
  if (!hasAny)
    return `container ${container.name} has no requests or limits (BestEffort): it cannot be resized`;
  const policy = container.resizePolicy?.find((p) => p.resourceName === 'cpu');
  if (policy?.restartPolicy === 'RestartContainer') {
    return `container ${container.name} restarts on CPU resize (resizePolicy RestartContainer)`;
  }
  return undefined;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Initial desired: the container's current requests, else the SLA default, else its minimum; within [min, max]. */
export function initialDesired(sla: CachedSla, container: CachedContainer): { cpu: string; memory: string } {
  const { min, max } = sla.spec.resources;
  const def = sla.spec.resources.default ?? {};
  const req = container.resources?.requests ?? {};
  const cpuQ = req['cpu'] ?? def.cpu ?? min.cpu ?? '100m';
  const memQ = req['memory'] ?? def.memory ?? min.memory ?? '64Mi';
  const cpuMilli = clamp(
    parseCpuMilli(cpuQ),
    min.cpu ? parseCpuMilli(min.cpu) : 0,
    max.cpu ? parseCpuMilli(max.cpu) : Number.MAX_SAFE_INTEGER,
  );
  const memoryBytes = clamp(
    parseMemoryBytes(memQ),
    min.memory ? parseMemoryBytes(min.memory) : 0,
    max.memory ? parseMemoryBytes(max.memory) : Number.MAX_SAFE_INTEGER,
  );
  return { cpu: formatCpuMilli(cpuMilli), memory: formatMemoryBytes(memoryBytes) };
}

export function newPodScale(sla: CachedSla, pod: CachedPod, container: CachedContainer): PodScale {
  const name = pod.metadata!.name!;
  return {
    apiVersion: API_VERSION,
    kind: 'PodScale',
    metadata: {
      name,
      namespace: sla.metadata.namespace,
      labels: { [SLA_LABEL]: sla.metadata.name! },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'ServiceLevelAgreement',
          name: sla.metadata.name!,
          uid: sla.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
        // A second owner: the garbage collector removes the PodScale with its pod even while no hub runs.
        { apiVersion: 'v1', kind: 'Pod', name, uid: pod.metadata!.uid! },
      ],
    },
    spec: {
      podRef: { name, uid: pod.metadata!.uid! },
      slaRef: { name: sla.metadata.name! },
      container: container.name,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      desired: initialDesired(sla, container),
    },
  };
}

/**
 * @param pods pods matched by the target's selector in the SLA's namespace
 * @param podScales every PodScale in the SLA's namespace (to see claims by other SLAs)
 */
export function planPodScales(sla: CachedSla, pods: CachedPod[], podScales: CachedPodScale[]): PodScalePlan {
  const slaName = sla.metadata.name!;
  const byName = new Map(podScales.map((ps) => [ps.metadata.name!, ps]));
  const plan: PodScalePlan = { tracked: [], create: [], delete: [], unfit: [] };
  const keep = new Set<string>();
  for (const pod of pods) {
    if (isTerminated(pod)) continue;
    const name = pod.metadata!.name!;
    const uid = pod.metadata!.uid!;
    const container = slaContainer(sla, pod);
    if (!container) {
      const message = `pod has no container named ${sla.spec.container ?? '(any)'}`;
      plan.unfit.push({ pod: name, uid, reason: 'ContainerNotFound', message });
      continue;
    }
    const problem = resizeProblem(pod, container);
    if (problem) {
      plan.unfit.push({ pod: name, uid, reason: 'NotResizable', message: problem });
      continue;
    }
    const existing = byName.get(name);
    if (existing && existing.spec.slaRef.name !== slaName) {
      const message = `pod is already governed by ServiceLevelAgreement ${existing.spec.slaRef.name}`;
      plan.unfit.push({ pod: name, uid, reason: 'ClaimedByOtherSla', message });
      continue;
    }
    if (existing && existing.spec.podRef.uid !== uid) continue; // replaced pod: old PodScale goes first
    keep.add(name);
    plan.tracked.push({ pod, uid, name, container: container.name, nodeName: pod.spec?.nodeName });
    if (!existing) plan.create.push(newPodScale(sla, pod, container));
  }
  for (const ps of podScales) {
    if (ps.spec.slaRef.name === slaName && !keep.has(ps.metadata.name!)) plan.delete.push(ps.metadata.name!);
  }
  return plan;
}
