// The publish step of the hub's loop: one service's pass becomes its decisions (log, counter,
// status watchers), its SLA status (written when the gate allows), its Events and its status view.
import type { CachedSla } from '../../../lib/api/cached-objects.ts';
import type { ServiceLevelAgreementStatus } from '../../../lib/api/types.ts';
import { resizeStateToWire } from '../../../lib/grpc/wire-enums.ts';
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
import type { PodObservation, ServicePlan, ServicePolicy } from '../control/types.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { SlaWriter } from '../sla/kube-writer.ts';
import { type SlaReconcileResult, slaKeyOf } from '../sla/sla-controller.ts';
import { buildSlaStatus, type SlaObservation } from '../sla/sla-status.ts';
import { afterStatusWrite, decideStatusWrite, type StatusWritePolicy } from '../sla/status-write-gate.ts';
import type { StatusBoard } from '../status/status-board.ts';
import { podStatus, slaSummary } from '../status/views.ts';
import { computeWeights } from '../status/weights.ts';
import { inBackground } from './background.ts';
import { publishDecisions } from './decisions.ts';
import { type HubSamples, signalOf } from './observe.ts';
import { containerResources, enactedResources, podSignal } from './signals.ts';
import type { SlaMemory } from './sla-memory.ts';

export interface PublishDeps {
  model: ClusterModel;
  writer: SlaWriter;
  work: KeyedWork;
  statusWrites?: StatusWritePolicy;
  board: StatusBoard;
  metrics: HubMetrics;
  log: Logger;
  now: () => number;
}

/** What a planned service's pass adds to its publication. */
export interface PlannedPass {
  policy: ServicePolicy;
  plan: ServicePlan;
  pods: readonly PodObservation[];
  nowMs: number;
}

export class SlaPublisher {
  readonly #d: PublishDeps;

  constructor(deps: PublishDeps) {
    this.#d = deps;
  }

  /** An SLA that was not planned this pass (invalid spec, target, selector): its status and view only. */
  async unplanned(
    sla: CachedSla,
    r: SlaReconcileResult,
    mem: SlaMemory,
    policy: ServicePolicy | undefined,
  ): Promise<void> {
    await this.#writeStatus(sla, mem, this.#observation(sla, r, mem, undefined));
    this.#publishView(sla, r, mem, policy, undefined, undefined);
  }

  async planned(
    sla: CachedSla,
    r: SlaReconcileResult,
    mem: SlaMemory,
    hub: HubSamples,
    pass: PlannedPass,
  ): Promise<void> {
    const { plan, policy } = pass;
    const replicas = r.scale!.specReplicas;
    publishDecisions({
      plan,
      sla,
      pods: new Map(r.tracked.map((t) => [t.uid, t])),
      last: mem.lastDecision,
      board: this.#d.board,
      metrics: this.#d.metrics,
      log: this.#d.log,
      nowMs: pass.nowMs,
      recommendOnly: policy.mode === 'Recommend',
    });
    mem.attainment.record(plan.service.responseTimeSeconds, policy.recommender.sloSeconds);
    const weights = computeWeights(
      mem.weights,
      new Map(pass.pods.filter((o) => o.enacted.cpuMilli > 0).map((o) => [o.key, o.enacted.cpuMilli])),
    );
    mem.weights = weights.state;
    const o = this.#observation(sla, r, mem, hub);
    o.desiredReplicas = plan.replicas;
    o.replicas = Math.max(replicas, r.scale!.statusReplicas);
    o.observedResponseSeconds = plan.service.responseTimeSeconds;
    o.requestRate = plan.service.requestRate;
    const h = plan.horizontal;
    if (h.reason === 'AtMaximum' || h.reason === 'AboveMaximum' || h.reason === 'BelowMinimum') {
      o.limited = {
        reason: h.reason,
        message: `replicas held at ${plan.replicas} (min ${policy.minReplicas}, max ${policy.maxReplicas})`,
      };
    }
    await this.#writeStatus(sla, mem, o);
    this.#publishView(sla, r, mem, policy, { plan, weights: weights.weights, replicas }, hub);
  }

  #observation(sla: CachedSla, r: SlaReconcileResult, mem: SlaMemory, hub: HubSamples): SlaObservation {
    const reporting = r.tracked.filter((t) => this.#d.model.isFresh(t.uid)).length;
    const o: SlaObservation = {
      observedGeneration: sla.metadata.generation,
      podsTracked: r.tracked.length,
      podsReporting: reporting,
      ...(r.invalid ? { invalid: r.invalid } : {}),
      ...(r.scale ? { replicas: r.scale.statusReplicas } : {}),
      ...(mem.lastScaleTime ? { lastScaleTime: mem.lastScaleTime } : {}),
    };
    if (hub || sla.spec.metrics?.scrape) {
      const awaiting = hub !== undefined && hub.samples === undefined && r.tracked.length > 0;
      o.responseTime = { awaiting, without: this.#withoutSignal(r, hub) };
    }
    if (r.unfit.length) {
      o.skipped = {
        reason: r.unfit[0]!.reason,
        message: r.unfit.map((u) => `${u.pod}: ${u.message}`).join('; '),
      };
    }
    return o;
  }

  /**
   * Tracked pods without a response-time signal and why: Prometheus's answer for hub-sourced SLAs,
   * else the agent's report of a failing metrics endpoint.
   */
  #withoutSignal(
    r: SlaReconcileResult,
    hub: HubSamples,
  ): Array<{ pod: string; reason: string; message: string }> {
    const { model } = this.#d;
    return r.tracked.flatMap((t) => {
      if (hub) {
        const s = hub.samples?.pods.get(t.name);
        return s && !s.ok ? [{ pod: t.name, reason: s.reason, message: s.message }] : [];
      }
      const rt = model.isFresh(t.uid) ? model.observation(t.uid)?.sample.responseTime : undefined;
      return rt?.failureReason ? [{ pod: t.name, reason: rt.failureReason, message: rt.error }] : [];
    });
  }

  async #writeStatus(sla: CachedSla, mem: SlaMemory, o: SlaObservation): Promise<void> {
    const prev = mem.status ?? sla.status;
    const nowMs = this.#d.now();
    const next = buildSlaStatus(prev, o, new Date(nowMs).toISOString());
    mem.computed = next;
    const key = slaKeyOf(sla);
    if (this.#d.work.busy(`status/${key}`)) return;
    const decision = decideStatusWrite(prev, next, mem.statusTimes, nowMs, this.#d.statusWrites);
    if (!decision.write) return;
    mem.statusTimes = afterStatusWrite(mem.statusTimes, decision, nowMs, this.#d.statusWrites);
    inBackground(
      this.#d.work,
      this.#d.log,
      `status/${key}`,
      { sla: key },
      'writing the SLA status',
      async () => {
        const res = await this.#d.writer.patchSlaStatus(sla.metadata.namespace!, sla.metadata.name!, next);
        if (res !== 'patched') return;
        mem.status = next;
        await this.#announceMetrics(sla, prev?.conditions, next.conditions);
      },
    );
  }

  /** An Event when the SLA's MetricsAvailable condition changes status or reason. */
  async #announceMetrics(
    sla: CachedSla,
    prev: ServiceLevelAgreementStatus['conditions'],
    next: ServiceLevelAgreementStatus['conditions'],
  ): Promise<void> {
    const before = prev?.find((c) => c.type === 'MetricsAvailable');
    const after = next?.find((c) => c.type === 'MetricsAvailable');
    if (!after || after.status === 'Unknown') return;
    if (before && before.status === after.status && before.reason === after.reason) return;
    if (!before && after.status === 'True') return;
    const ref = {
      apiVersion: sla.apiVersion,
      kind: sla.kind,
      namespace: sla.metadata.namespace!,
      name: sla.metadata.name!,
      ...(sla.metadata.uid ? { uid: sla.metadata.uid } : {}),
    };
    const warning = after.status === 'False';
    this.#d.log[warning ? 'warn' : 'info'](
      { sla: slaKeyOf(sla), reason: after.reason, message: after.message },
      warning ? 'response-time signal lost; allocations held' : 'response-time signal back',
    );
    try {
      await this.#d.writer.event(
        ref,
        warning ? 'Warning' : 'Normal',
        after.reason ?? '',
        after.message ?? '',
      );
    } catch (err) {
      this.#d.log.warn({ err, sla: slaKeyOf(sla) }, 'MetricsAvailable event not written');
    }
  }

  #publishView(
    sla: CachedSla,
    r: SlaReconcileResult,
    mem: SlaMemory,
    policy: ServicePolicy | undefined,
    tick: { plan: ServicePlan; weights: Map<string, number>; replicas: number } | undefined,
    hub: HubSamples,
  ): void {
    const { model } = this.#d;
    const key = slaKeyOf(sla);
    const planned = new Map(tick?.plan.pods.map((p) => [p.key, p]));
    const statistic = sla.spec.objective.statistic ?? 'p95';
    const without = new Map(this.#withoutSignal(r, hub).map((w) => [w.pod, `${w.reason}: ${w.message}`]));
    const pods = r.tracked.map((t) => {
      const obs = model.observation(t.uid);
      const sample = obs?.sample;
      const signal = sample
        ? signalOf(podSignal(sample, obs.windowSeconds, statistic), hub, t.name)
        : undefined;
      const p = planned.get(t.uid);
      const spec = containerResources(t.pod, t.container);
      return podStatus({
        namespace: sla.metadata.namespace!,
        name: t.name,
        uid: t.uid,
        node: t.nodeName ?? obs?.node ?? '',
        container: t.container,
        sla: key,
        desired: p?.desired ?? plannedDesired(model, t.uid) ?? spec,
        enacted: enactedResources(sample, spec),
        capped: p?.capped ?? sample?.capped ?? { cpuMilli: 0, memoryBytes: 0 },
        capReason: p?.cappedReason ?? sample?.capReason ?? 'None',
        cpuUsageMilli: sample?.cpuUsageMilli ?? 0,
        memoryWorkingSetBytes: sample?.memoryWorkingSetBytes ?? 0,
        responseTimeSeconds: signal?.responseTimeSeconds,
        requestRate: signal?.requestRate ?? 0,
        resizeState: sample ? resizeStateToWire(sample.resizeState) : '',
        lbWeight: tick?.weights.get(t.uid) ?? 0,
        lastUpdateMs: obs?.receivedMs ?? 0,
        nodeStale: obs ? !model.isFresh(t.uid) : false,
        signalFailure: without.get(t.name) ?? '',
      });
    });
    const ready = (mem.computed ?? mem.status)?.conditions?.find((c) => c.type === 'Ready');
    this.#d.board.publishService({
      sla: slaSummary({
        sla,
        objectiveSeconds: policy?.recommender.sloSeconds ?? 0,
        observedSeconds: tick?.plan.service.responseTimeSeconds,
        requestRate: tick?.plan.service.requestRate ?? 0,
        replicas: tick?.replicas ?? r.scale?.specReplicas ?? 0,
        desiredReplicas: tick?.plan.replicas ?? r.scale?.specReplicas ?? 0,
        podsTracked: r.tracked.length,
        ready: ready?.status === 'True',
        message: r.invalid?.message ?? ready?.message ?? '',
        sloAttainment: mem.attainment.ratio(),
        podsWithoutSignal: without.size,
      }),
      pods,
    });
  }
}

function plannedDesired(model: ClusterModel, uid: string) {
  const d = model.plan(uid)?.directive.desired;
  return d ? { cpuMilli: Number(d.cpuMilli ?? 0), memoryBytes: Number(d.memoryBytes ?? 0) } : undefined;
}
