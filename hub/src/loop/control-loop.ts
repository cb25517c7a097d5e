// The hub's control loop, one runOnce() per period: for each SLA reconcile its PodScales, plan the
// service from the agents' latest reports, publish directives, scale through /scale, write status.
import type { V1Pod } from '@kubernetes/client-node';
import type {
  ArbitrationPolicyName,
  ServiceLevelAgreement,
  ServiceLevelAgreementStatus,
} from '../../../lib/api/types.ts';
import { arbitrationPolicyToWire, capReasonFromWire } from '../../../lib/grpc/wire-enums.ts';
import type { Informer } from '../../../lib/informer.ts';
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import { logWriteFailure } from '../../../lib/kube.ts';
import type { Logger } from '../../../lib/log.ts';
import { formatCpuMilli, formatMemoryBytes } from '../../../lib/quantity.ts';
import type { ArbitrationPolicy } from '../../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { PlanServiceFn, PodObservation, ServiceControlState, ServicePolicy } from '../control/types.ts';
import { roomIndex } from '../horizontal/room.ts';
import type { ScaleWriter } from '../horizontal/scale-writer.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import { withPrometheusSample } from '../prometheus/pod-signal.ts';
import type { PrometheusSignals, SlaSamples } from '../prometheus/prometheus-signals.ts';
import type { PodSample } from '../prometheus/samples.ts';
import type { SlaWriter } from '../sla/kube-writer.ts';
import { podScaleKey, type SlaController, type SlaReconcileResult, slaKeyOf } from '../sla/sla-controller.ts';
import { buildSlaStatus, type SlaObservation } from '../sla/sla-status.ts';
import {
  afterStatusWrite,
  decideStatusWrite,
  type StatusWritePolicy,
  type StatusWriteTimes,
} from '../sla/status-write-gate.ts';
import { SloAttainment } from '../status/slo-attainment.ts';
import type { StatusBoard } from '../status/status-board.ts';
import { podStatus, slaSummary } from '../status/views.ts';
import { computeWeights } from '../status/weights.ts';
import { publishDecisions } from './decisions.ts';
import { REVERSAL_WINDOW_SECONDS, ReversalTracker } from './reversals.ts';
import {
  containerResources,
  desiredNeedsWrite,
  enactedResources,
  isPodReady,
  isPodUnschedulable,
  missingResponseTime,
  podSignal,
  resources,
} from './signals.ts';

export interface ControlLoopDeps {
  slas: Informer<ServiceLevelAgreement>;
  pods: Informer<V1Pod>;
  controller: SlaController;
  model: ClusterModel;
  planService: PlanServiceFn;
  policyOf: (sla: ServiceLevelAgreement) => ServicePolicy;
  writer: SlaWriter;
  scaleWriter: ScaleWriter;
  /** Where the loop's API calls run (shared with the controller): one per object, off the pass. */
  work: KeyedWork;
  /**
   * How long a pass waits for the /scale reads it started, and then for its writes (default 250 ms);
   * a call still running finishes under its own deadline and its result is used by a later pass.
   */
  apiWaitMs?: number;
  /** When SLA status is written (default: changes only, at most every 10 s). */
  statusWrites?: StatusWritePolicy;
  board: StatusBoard;
  metrics: HubMetrics;
  log: Logger;
  now: () => number;
  nodeStaleAfterMs: number;
  /**
   * Nodes are added when pods are unschedulable (cluster autoscaler, Karpenter): node contention adds
   * replicas whatever the free room, and Pending pods count as coming capacity. Default false.
   */
  nodesAutoscaled?: boolean;
  /** Reads the response time of SLAs with metrics.prometheus; without it they have no signal. */
  prometheus?: PrometheusSignals;
}

/** A Prometheus-sourced SLA's samples this period: per pod name, or undefined before the first answer. */
type HubSamples = { samples: SlaSamples | undefined } | undefined;

/** What the loop remembers about one SLA between ticks. */
interface SlaMemory {
  control?: ServiceControlState;
  weights: Map<string, number>;
  attainment: SloAttainment;
  lastSignalMs: Map<string, number>;
  lastDecision: Map<string, string>;
  reversals: ReversalTracker;
  status?: ServiceLevelAgreementStatus;
  /** The status as computed on the last pass (written or not yet): what the status view shows. */
  computed?: ServiceLevelAgreementStatus;
  /** When the status was last written (status-write-gate.ts). */
  statusTimes: StatusWriteTimes;
  lastScaleTime?: string;
  /** CPU request of the last pod seen before it was ready (a new pod's, from the template). */
  newPodCpuMilli?: number;
}

export class ControlLoop {
  readonly #d: ControlLoopDeps;
  readonly #memory = new Map<string, SlaMemory>();
  #nodePolicy = new Map<string, ArbitrationPolicyName>();

  constructor(deps: ControlLoopDeps) {
    this.#d = deps;
  }

  policyFor(node: string): ArbitrationPolicy {
    return arbitrationPolicyToWire(this.#nodePolicy.get(node) ?? 'proportional');
  }

  async runOnce(): Promise<void> {
    const { model, metrics, log } = this.#d;
    const nowMs = this.#d.now();
    const stale = model.markSilentStale(nowMs, this.#d.nodeStaleAfterMs);
    if (stale.length) log.warn({ nodes: stale }, 'nodes went silent; marked stale');
    const keys = new Set<string>();
    const promKeys = new Set<string>();
    const trackedUids = new Set<string>();
    const nodePolicy = new Map<string, ArbitrationPolicyName>();
    // Where a new pod could land (room.ts), from what the nodes have promised: indexed at most once
    // per period, and only when a service has a pod its node holds back.
    let index: ((newPodCpuMilli: number) => number) | undefined;
    const nodeRoom = (newPodCpuMilli: number) => {
      index ??= roomIndex(model.nodeRoom());
      return index(newPodCpuMilli);
    };
    const slas = this.#d.slas.list();
    const apiWaitMs = this.#d.apiWaitMs ?? 250;
    this.#d.controller.prefetch(slas);
    await this.#d.work.settle(apiWaitMs);
    for (const sla of slas) {
      const key = slaKeyOf(sla);
      keys.add(key);
      if (sla.spec.metrics?.prometheus) promKeys.add(key);
      const end = metrics.stepSeconds.startTimer({ step: 'service' });
      try {
        await this.#service(sla, nowMs, trackedUids, nodePolicy, nodeRoom);
      } catch (err) {
        log.error({ err, sla: key }, 'service step failed; continuing with the next SLA');
      } finally {
        end();
      }
    }
    this.#nodePolicy = nodePolicy;
    this.#d.prometheus?.retain(promKeys);
    this.#d.controller.sweepOrphans(keys);
    await this.#d.work.settle(apiWaitMs);
    for (const key of this.#memory.keys()) {
      if (!keys.has(key)) {
        this.#memory.delete(key);
        this.#d.controller.forget(key);
      }
    }
    for (const uid of model.plannedUids()) if (!trackedUids.has(uid)) model.forgetPod(uid);
    this.#d.board.retainServices(keys);
    metrics.publish(this.#d.board.services());
  }

  #mem(key: string): SlaMemory {
    let m = this.#memory.get(key);
    if (!m) {
      m = {
        weights: new Map(),
        attainment: new SloAttainment(),
        lastSignalMs: new Map(),
        lastDecision: new Map(),
        reversals: new ReversalTracker(),
        statusTimes: {},
      };
      this.#memory.set(key, m);
    }
    return m;
  }

  async #service(
    sla: ServiceLevelAgreement,
    nowMs: number,
    trackedUids: Set<string>,
    nodePolicy: Map<string, ArbitrationPolicyName>,
    nodeRoom: (newPodCpuMilli: number) => number,
  ): Promise<void> {
    const key = slaKeyOf(sla);
    const mem = this.#mem(key);
    const r = await this.#d.controller.reconcile(sla);
    if (r.pending) return; // its target's first /scale read is still running
    let policy: ServicePolicy | undefined;
    try {
      policy = this.#d.policyOf(sla);
    } catch (err) {
      r.invalid ??= { reason: 'InvalidSpec', message: (err as Error).message };
    }
    if (r.invalid || !policy || !r.scale) {
      for (const t of r.tracked) trackedUids.add(t.uid);
      await this.#writeStatus(sla, mem, this.#observation(sla, r, mem, undefined));
      this.#publishView(sla, r, mem, policy, undefined, undefined);
      return;
    }
    const hub = this.#hubSamples(sla, r);
    const { model } = this.#d;
    const statistic = sla.spec.objective.statistic ?? 'p95';
    const scraped = sla.spec.metrics?.scrape !== undefined;
    let unschedulableReplicas = 0;
    const observations: PodObservation[] = r.tracked.map((t) => {
      trackedUids.add(t.uid);
      const obs = model.observation(t.uid);
      const fresh =
        model.isFresh(t.uid) && obs !== undefined && mem.lastSignalMs.get(t.uid) !== obs.receivedMs;
      if (fresh) mem.lastSignalMs.set(t.uid, obs.receivedMs);
      const report = obs?.report;
      const ready = isPodReady(t.pod);
      if (!ready) {
        // A pod not ready yet was never resized: its request is what a new pod asks the scheduler for.
        const cpu = containerResources(t.pod, t.container).cpuMilli;
        if (cpu > 0) mem.newPodCpuMilli = cpu;
        if (isPodUnschedulable(t.pod)) unschedulableReplicas++;
      }
      const enacted = enactedResources(report, t.pod, t.container);
      // A pod that is not serving yet has no signal to act on: it keeps its allocation until ready.
      // Nor does one whose scraped response time is missing (endpoint failing, window too short).
      const hasSignal =
        fresh &&
        ready &&
        resources(report?.enacted).cpuMilli > 0 &&
        !(scraped && missingResponseTime(report!) !== undefined);
      const signal = hasSignal
        ? signalOf(podSignal(report!, obs.windowSeconds, statistic), hub, t.name)
        : undefined;
      return {
        key: t.uid,
        ready,
        enacted,
        ...(signal ? { signal } : {}),
        capped: resources(report?.capped),
        cappedReason: capReasonFromWire(report?.capReason),
      };
    });
    for (const uid of mem.lastSignalMs.keys()) if (!trackedUids.has(uid)) mem.lastSignalMs.delete(uid);
    mem.reversals.retain(new Set(r.tracked.map((t) => t.uid)));
    const newPodCpuMilli =
      mem.newPodCpuMilli ?? policy.defaultResources.cpuMilli ?? policy.minResources.cpuMilli;
    const nodesAutoscaled = this.#d.nodesAutoscaled === true;
    const plan = this.#d.planService(policy, mem.control, {
      nowSeconds: nowMs / 1000,
      currentReplicas: r.scale.specReplicas,
      readyReplicas: observations.filter((o) => o.ready).length,
      pods: observations,
      unschedulableReplicas,
      nodesAutoscaled,
      ...(!nodesAutoscaled && observations.some((o) => o.capped.cpuMilli > 0)
        ? { scaleOutRoomCpuMilli: nodeRoom(newPodCpuMilli) }
        : {}),
    });
    mem.control = plan.state;
    const recommendOnly = policy.mode === 'Recommend';
    const byUid = new Map(r.tracked.map((t) => [t.uid, t]));
    for (const p of plan.pods) {
      const t = byUid.get(p.key);
      if (!t) continue;
      const reversal = mem.reversals.observe(p.key, p.desired.cpuMilli, nowMs);
      if (reversal) {
        this.#d.metrics.reversals.inc({ namespace: sla.metadata.namespace, sla: sla.metadata.name });
        this.#d.log.info(
          { sla: key, pod: t.name, cpuMilli: reversal.cpuMilli, afterMs: reversal.afterMs },
          `desired CPU reversed within ${REVERSAL_WINDOW_SECONDS} s of its previous move`,
        );
      }
      const node = t.nodeName ?? model.observation(t.uid)?.node ?? '';
      if (node) {
        nodePolicy.set(
          node,
          policy.arbitration === 'minimum-first' || nodePolicy.get(node) === 'minimum-first'
            ? 'minimum-first'
            : 'proportional',
        );
      }
      model.setPlan(t.uid, node, {
        uid: t.uid,
        namespace: sla.metadata.namespace,
        name: t.name,
        container: t.container,
        desired: p.desired,
        minimum: policy.minResources,
        essential: { cpuMilli: p.essentialCpuMilli, memoryBytes: 0 },
        maximum: policy.maxResources,
        priority: policy.priority,
        recommendOnly,
        sla: key,
        ...(hub ? hubMetricsDirective(hub, t.name) : {}),
      });
      const ps = r.podScales.get(t.name);
      if (ps && desiredNeedsWrite(ps.spec.desired, p.desired)) {
        const desired = {
          cpu: formatCpuMilli(p.desired.cpuMilli),
          memory: formatMemoryBytes(p.desired.memoryBytes),
        };
        const namespace = sla.metadata.namespace!;
        this.#background(
          podScaleKey(namespace, t.name),
          { sla: key, pod: t.name },
          'patching PodScale desired',
          () => this.#d.writer.patchPodScaleSpec(namespace, t.name, { desired }),
        );
      }
    }
    const replicas = r.scale.specReplicas;
    if (!recommendOnly && plan.replicas !== r.scale.specReplicas) {
      const from = r.scale.specReplicas;
      const to = plan.replicas;
      this.#background(
        `scale/${key}`,
        { sla: key, replicas: to },
        'writing replicas through /scale',
        async () => {
          const res = await this.#d.scaleWriter.scale(sla.metadata.namespace!, sla.spec.targetRef, from, to);
          if (res === 'written') {
            this.#d.controller.scaled(key, to);
            mem.lastScaleTime = new Date(nowMs).toISOString();
          }
        },
      );
    }
    publishDecisions({
      plan,
      sla,
      pods: byUid,
      last: mem.lastDecision,
      board: this.#d.board,
      metrics: this.#d.metrics,
      log: this.#d.log,
      nowMs,
      recommendOnly,
    });
    mem.attainment.record(plan.service.responseTimeSeconds, policy.recommender.sloSeconds);
    const weights = computeWeights(
      mem.weights,
      new Map(observations.filter((o) => o.enacted.cpuMilli > 0).map((o) => [o.key, o.enacted.cpuMilli])),
    );
    mem.weights = weights.state;
    const o = this.#observation(sla, r, mem, hub);
    o.desiredReplicas = plan.replicas;
    o.replicas = Math.max(replicas, r.scale.statusReplicas);
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

  /** The SLA's latest samples from Prometheus (a query starts when one is due); undefined for scraped SLAs. */
  #hubSamples(sla: ServiceLevelAgreement, r: SlaReconcileResult): HubSamples {
    if (!sla.spec.metrics?.prometheus) return undefined;
    const names = r.tracked.map((t) => t.name);
    const prometheus = this.#d.prometheus;
    if (!prometheus) {
      const failure = {
        ok: false as const,
        reason: 'PrometheusNotConfigured' as const,
        message: 'this hub runs without a Prometheus client',
      };
      return { samples: { atMs: this.#d.now(), pods: new Map(names.map((n) => [n, failure])) } };
    }
    return { samples: prometheus.observe(sla, names) };
  }

  #observation(
    sla: ServiceLevelAgreement,
    r: SlaReconcileResult,
    mem: SlaMemory,
    hub: HubSamples,
  ): SlaObservation {
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
      const rt = model.isFresh(t.uid) ? model.observation(t.uid)?.report.responseTime : null;
      return rt?.failureReason ? [{ pod: t.name, reason: rt.failureReason, message: rt.error }] : [];
    });
  }

  async #writeStatus(sla: ServiceLevelAgreement, mem: SlaMemory, o: SlaObservation): Promise<void> {
    const prev = mem.status ?? sla.status;
    const nowMs = this.#d.now();
    const next = buildSlaStatus(prev, o, new Date(nowMs).toISOString());
    mem.computed = next;
    const key = slaKeyOf(sla);
    if (this.#d.work.busy(`status/${key}`)) return;
    const decision = decideStatusWrite(prev, next, mem.statusTimes, nowMs, this.#d.statusWrites);
    if (!decision.write) return;
    mem.statusTimes = afterStatusWrite(mem.statusTimes, decision, nowMs, this.#d.statusWrites);
    this.#background(`status/${key}`, { sla: key }, 'writing the SLA status', async () => {
      const res = await this.#d.writer.patchSlaStatus(sla.metadata.namespace!, sla.metadata.name!, next);
      if (res !== 'patched') return;
      mem.status = next;
      await this.#announceMetrics(sla, prev?.conditions, next.conditions);
    });
  }

  /** An Event when the SLA's MetricsAvailable condition changes status or reason. */
  async #announceMetrics(
    sla: ServiceLevelAgreement,
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

  /** Runs one API call of this pass in the background (skipped while the object's last one runs). */
  #background(key: string, fields: Record<string, unknown>, what: string, fn: () => Promise<unknown>): void {
    this.#d.work.submit(key, async () => {
      try {
        await fn();
      } catch (err) {
        logWriteFailure(this.#d.log, err, fields, `${what} failed; retried on a later pass`);
      }
    });
  }

  #publishView(
    sla: ServiceLevelAgreement,
    r: SlaReconcileResult,
    mem: SlaMemory,
    policy: ServicePolicy | undefined,
    tick: { plan: ReturnType<PlanServiceFn>; weights: Map<string, number>; replicas: number } | undefined,
    hub: HubSamples,
  ): void {
    const { model } = this.#d;
    const key = slaKeyOf(sla);
    const planned = new Map(tick?.plan.pods.map((p) => [p.key, p]));
    const statistic = sla.spec.objective.statistic ?? 'p95';
    const without = new Map(this.#withoutSignal(r, hub).map((w) => [w.pod, `${w.reason}: ${w.message}`]));
    const pods = r.tracked.map((t) => {
      const obs = model.observation(t.uid);
      const report = obs?.report;
      const signal = report
        ? signalOf(podSignal(report, obs.windowSeconds, statistic), hub, t.name)
        : undefined;
      const p = planned.get(t.uid);
      return podStatus({
        namespace: sla.metadata.namespace!,
        name: t.name,
        uid: t.uid,
        node: t.nodeName ?? obs?.node ?? '',
        container: t.container,
        sla: key,
        desired: p?.desired ?? plannedDesired(model, t.uid) ?? containerResources(t.pod, t.container),
        enacted: enactedResources(report, t.pod, t.container),
        capped: p?.capped ?? resources(report?.capped),
        capReason: p?.cappedReason ?? capReasonFromWire(report?.capReason),
        cpuUsageMilli: report?.cpuUsageMilli ?? 0,
        memoryWorkingSetBytes: Number(report?.memoryWorkingSetBytes ?? 0),
        responseTimeSeconds: signal?.responseTimeSeconds,
        requestRate: signal?.requestRate ?? 0,
        resizeState: report?.resizeState ?? '',
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

/** The pod's signal: the agent's, with Prometheus's rate and response time for hub-sourced SLAs (none without a sample). */
function signalOf(
  signal: ReturnType<typeof podSignal>,
  hub: HubSamples,
  pod: string,
): ReturnType<typeof podSignal> | undefined {
  if (!hub) return signal;
  const sample: PodSample | undefined = hub.samples?.pods.get(pod);
  return sample?.ok ? withPrometheusSample(signal, sample) : undefined;
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

function plannedDesired(model: ClusterModel, uid: string) {
  const d = model.plan(uid)?.directive.desired;
  return d ? { cpuMilli: Number(d.cpuMilli ?? 0), memoryBytes: Number(d.memoryBytes ?? 0) } : undefined;
}
