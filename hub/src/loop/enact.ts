// The enact step of the hub's loop: one service's plan becomes the directives its nodes' agents
// fetch (the model's plans), PodScale spec.desired and the target's replicas through /scale.
// API writes run in the background (background.ts); the pass never waits for them.
import type { CachedPodScale, CachedSla } from '../../../lib/api/cached-objects.ts';
import type { ArbitrationPolicyName } from '../../../lib/api/types.ts';
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
import { formatCpuMilli, formatMemoryBytes } from '../../../lib/quantity.ts';
import type { ServicePlan, ServicePolicy } from '../control/types.ts';
import type { ScaleWriter } from '../horizontal/scale-writer.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import {
  DEFAULT_DESIRED_WRITE_POLICY,
  type DesiredWritePolicy,
  decideDesiredWrite,
} from '../sla/desired-write-gate.ts';
import type { SlaWriter } from '../sla/kube-writer.ts';
import { podScaleKey, type SlaController, type SlaReconcileResult, slaKeyOf } from '../sla/sla-controller.ts';
import { inBackground } from './background.ts';
import type { HubSamples } from './observe.ts';
import { REVERSAL_WINDOW_SECONDS } from './reversals.ts';
import { writtenDesired } from './signals.ts';
import type { SlaMemory } from './sla-memory.ts';

export interface EnactDeps {
  model: ClusterModel;
  controller: SlaController;
  writer: SlaWriter;
  scaleWriter: ScaleWriter;
  work: KeyedWork;
  metrics: HubMetrics;
  log: Logger;
  /** When PodScale spec.desired is written (default: growth at once, else ≤ once a minute per pod). */
  desiredWrites?: DesiredWritePolicy;
}

export interface EnactInput {
  sla: CachedSla;
  r: SlaReconcileResult;
  policy: ServicePolicy;
  plan: ServicePlan;
  hub: HubSamples;
  mem: SlaMemory;
  nowMs: number;
  /** The arbitration policy per node this pass (minimum-first wins when any SLA on the node asks for it). */
  nodePolicy: Map<string, ArbitrationPolicyName>;
}

export function enactPlan(d: EnactDeps, i: EnactInput): void {
  const { sla, r, policy, plan, mem, nowMs } = i;
  const key = slaKeyOf(sla);
  const namespace = sla.metadata.namespace!;
  const recommendOnly = policy.mode === 'Recommend';
  const byUid = new Map(r.tracked.map((t) => [t.uid, t]));
  for (const p of plan.pods) {
    const t = byUid.get(p.key);
    if (!t) continue;
    const reversal = mem.reversals.observe(p.key, p.desired.cpuMilli, nowMs);
    if (reversal) {
      d.metrics.reversals.inc({ namespace, sla: sla.metadata.name });
      d.log.info(
        { sla: key, pod: t.name, cpuMilli: reversal.cpuMilli, afterMs: reversal.afterMs },
        `desired CPU reversed within ${REVERSAL_WINDOW_SECONDS} s of its previous move`,
      );
    }
    const node = t.nodeName ?? d.model.observation(t.uid)?.node ?? '';
    if (node) {
      i.nodePolicy.set(
        node,
        policy.arbitration === 'minimum-first' || i.nodePolicy.get(node) === 'minimum-first'
          ? 'minimum-first'
          : 'proportional',
      );
    }
    d.model.setPlan(t.uid, node, {
      uid: t.uid,
      namespace,
      name: t.name,
      container: t.container,
      desired: p.desired,
      minimum: policy.minResources,
      essential: { cpuMilli: p.essentialCpuMilli, memoryBytes: 0 },
      maximum: policy.maxResources,
      priority: policy.priority,
      recommendOnly,
      sla: key,
      ...(i.hub ? hubMetricsDirective(i.hub, t.name) : {}),
    });
    const ps = r.podScales.get(t.name);
    if (ps) {
      const pod = { namespace, sla: key, pod: t.name, uid: t.uid };
      const bounds = { min: policy.minResources, max: policy.maxResources };
      writeDesired(d, pod, ps.spec.desired, p.desired, bounds, mem, nowMs);
    }
  }
  const from = r.scale!.specReplicas;
  const to = plan.replicas;
  if (recommendOnly || to === from) return;
  inBackground(
    d.work,
    d.log,
    `scale/${key}`,
    { sla: key, replicas: to },
    'writing replicas through /scale',
    async () => {
      const res = await d.scaleWriter.scale(namespace, sla.spec.targetRef, from, to);
      if (res === 'written') {
        d.controller.scaled(key, to);
        mem.lastScaleTime = new Date(nowMs).toISOString();
      }
    },
  );
}

/**
 * PodScale spec.desired through its gate (desired-write-gate.ts); the agents already have the decision
 * from their directive, so a write held back costs the record a delay, not the pod its size.
 */
function writeDesired(
  d: EnactDeps,
  pod: { namespace: string; sla: string; pod: string; uid: string },
  current: CachedPodScale['spec']['desired'] | undefined,
  next: ServicePlan['pods'][number]['desired'],
  bounds: { min: ServicePolicy['minResources']; max: ServicePolicy['maxResources'] },
  mem: SlaMemory,
  nowMs: number,
): void {
  const workKey = podScaleKey(pod.namespace, pod.pod);
  if (d.work.busy(workKey)) return;
  const decision = decideDesiredWrite(
    writtenDesired(current),
    next,
    mem.desiredWrittenMs.get(pod.uid),
    nowMs,
    bounds,
    d.desiredWrites ?? DEFAULT_DESIRED_WRITE_POLICY,
  );
  if (!decision.write) return;
  mem.desiredWrittenMs.set(pod.uid, nowMs);
  const desired = { cpu: formatCpuMilli(next.cpuMilli), memory: formatMemoryBytes(next.memoryBytes) };
  inBackground(
    d.work,
    d.log,
    workKey,
    { sla: pod.sla, pod: pod.pod, why: decision.why },
    'patching PodScale desired',
    () => d.writer.patchPodScaleSpec(pod.namespace, pod.pod, { desired }),
  );
}

/** For a Prometheus-sourced pod: whether the hub has its signal, for the PodScale's MetricsAvailable. */
function hubMetricsDirective(hub: NonNullable<HubSamples>, pod: string) {
  const sample = hub.samples?.pods.get(pod);
  const failure = !sample
    ? {
        reason: 'AwaitingPrometheus',
        message: hub.samples
          ? 'the pod is not in the last answer from Prometheus yet'
          : 'the first query to Prometheus has not answered yet',
      }
    : sample.ok
      ? { reason: '', message: '' }
      : { reason: sample.reason, message: sample.message };
  return {
    hubSourcedMetrics: true,
    metricsFailureReason: failure.reason,
    metricsFailureMessage: failure.message,
  };
}
