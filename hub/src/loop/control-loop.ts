// The hub's control loop, one runOnce() per period that only wires the steps, each timed into
// kosmos_hub_loop_step_seconds: observe (reconcile each SLA's PodScales, read its pods and their
// agents' samples) → plan (planService) → enact (directives, PodScale desired, /scale) → publish
// (decisions, SLA status, the status view). A failure of one SLA is logged; the pass goes on.
import type { CachedSla } from '../../../lib/api/cached-objects.ts';
import type { ArbitrationPolicyName } from '../../../lib/api/types.ts';
import type { CachedPod } from '../../../lib/cached-pod.ts';
import { arbitrationPolicyToWire } from '../../../lib/grpc/wire-enums.ts';
import type { Informer } from '../../../lib/informer.ts';
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
import type { ArbitrationPolicy } from '../../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { PlanServiceFn, ServicePlan, ServicePolicy } from '../control/types.ts';
import { roomIndex } from '../horizontal/room.ts';
import type { ScaleWriter } from '../horizontal/scale-writer.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { NodeSample } from '../model/pod-sample.ts';
import type { PrometheusSignals } from '../prometheus/prometheus-signals.ts';
import type { DesiredWritePolicy } from '../sla/desired-write-gate.ts';
import type { SlaWriter } from '../sla/kube-writer.ts';
import { type SlaController, type SlaReconcileResult, slaKeyOf } from '../sla/sla-controller.ts';
import type { StatusWritePolicy } from '../sla/status-write-gate.ts';
import type { StatusBoard } from '../status/status-board.ts';
import { enactPlan } from './enact.ts';
import { type HubSamples, observeService, type ServiceObserved, type TrackedPodView } from './observe.ts';
import { planStep } from './plan-step.ts';
import { SlaPublisher } from './publish.ts';
import { containerResources, isPodReady, isPodUnschedulable } from './signals.ts';
import { newSlaMemory, type SlaMemory } from './sla-memory.ts';
import { reportNeedsPlanNow } from './urgency.ts';

export interface ControlLoopDeps {
  slas: Informer<CachedSla>;
  pods: Informer<CachedPod>;
  controller: SlaController;
  model: ClusterModel;
  planService: PlanServiceFn;
  policyOf: (sla: CachedSla) => ServicePolicy;
  writer: SlaWriter;
  scaleWriter: ScaleWriter;
  /** Where the loop's API calls run (shared with the controller): one per object, off the pass. */
  work: KeyedWork;
  /**
   * How long a pass waits for the /scale reads it started, and then for its writes (default 250 ms);
   * a call still running finishes under its own deadline and its result is used by a later pass.
   */
  apiWaitMs?: number;
  /** When PodScale spec.desired is written (default: growth at once, else at most once a minute per pod). */
  desiredWrites?: DesiredWritePolicy;
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

/** One SLA through the steps of a pass. */
interface SlaPass {
  sla: CachedSla;
  mem: SlaMemory;
  r: SlaReconcileResult;
  policy?: ServicePolicy;
  /** Present when the SLA can be planned (valid spec, target read). */
  planning?: { policy: ServicePolicy; hub: HubSamples; observed: ServiceObserved; plan?: ServicePlan };
}

type Step = 'observe' | 'plan' | 'enact' | 'publish';

export class ControlLoop {
  readonly #d: ControlLoopDeps;
  readonly #memory = new Map<string, SlaMemory>();
  readonly #publisher: SlaPublisher;
  #nodePolicy = new Map<string, ArbitrationPolicyName>();
  /** Each planned SLA's recommender config as of its last pass, by SLA key (for needsPlanNow). */
  #recommenders = new Map<string, ServicePolicy['recommender']>();

  constructor(deps: ControlLoopDeps) {
    this.#d = deps;
    this.#publisher = new SlaPublisher(deps);
  }

  policyFor(node: string): ArbitrationPolicy {
    return arbitrationPolicyToWire(this.#nodePolicy.get(node) ?? 'proportional');
  }

  /**
   * Whether a node's report holds a pod the next pass should not wait for (urgency.ts): the hub then
   * plans at once and answers the report with what it planned.
   */
  needsPlanNow(sample: NodeSample): boolean {
    return reportNeedsPlanNow(sample, this.#d.model, (sla) => this.#recommenders.get(sla));
  }

  async runOnce(): Promise<void> {
    const { model, log } = this.#d;
    const nowMs = this.#d.now();
    const stale = model.markSilentStale(nowMs, this.#d.nodeStaleAfterMs);
    if (stale.length) log.warn({ nodes: stale }, 'nodes went silent; marked stale');
    const slas = this.#d.slas.list();
    const keys = new Set(slas.map(slaKeyOf));
    const trackedUids = new Set<string>();
    const nodePolicy = new Map<string, ArbitrationPolicyName>();
    // Where a new pod could land (room.ts), from what the nodes have promised: indexed at most once
    // per pass, and only when a service has a pod its node holds back.
    let index: ((newPodCpuMilli: number) => number) | undefined;
    const room = (newPodCpuMilli: number) => {
      index ??= roomIndex(model.nodeRoom());
      return index(newPodCpuMilli);
    };
    const apiWaitMs = this.#d.apiWaitMs ?? 250;
    this.#d.controller.prefetch(slas);
    await this.#d.work.settle(apiWaitMs);

    const passes: SlaPass[] = [];
    await this.#each('observe', slas, async (sla) => {
      const pass = await this.#observe(sla, trackedUids);
      if (pass) passes.push(pass);
    });
    const planned = await this.#each(
      'plan',
      passes.filter((p) => p.planning),
      (p) => this.#plan(p, nowMs, room),
    );
    const enacted = new Set(await this.#each('enact', planned, (p) => this.#enact(p, nowMs, nodePolicy)));
    await this.#each(
      'publish',
      passes.filter((p) => !p.planning || enacted.has(p)),
      (p) => this.#publish(p, nowMs),
    );

    this.#nodePolicy = nodePolicy;
    this.#d.prometheus?.retain(new Set(slas.filter((s) => s.spec.metrics?.prometheus).map(slaKeyOf)));
    this.#d.controller.sweepOrphans(keys);
    await this.#d.work.settle(apiWaitMs);
    for (const key of this.#recommenders.keys()) if (!keys.has(key)) this.#recommenders.delete(key);
    for (const key of this.#memory.keys()) {
      if (!keys.has(key)) {
        this.#memory.delete(key);
        this.#d.controller.forget(key);
      }
    }
    for (const uid of model.plannedUids()) if (!trackedUids.has(uid)) model.forgetPod(uid);
    this.#d.board.retainServices(keys);
    this.#d.metrics.publish(this.#d.board.services());
  }

  /** One step over every SLA, timed as a whole; an SLA whose step fails is logged and left out of the next. */
  async #each<T extends CachedSla | SlaPass>(
    step: Step,
    items: readonly T[],
    fn: (item: T) => unknown,
  ): Promise<T[]> {
    const end = this.#d.metrics.stepSeconds.startTimer({ step });
    const ok: T[] = [];
    try {
      for (const item of items) {
        try {
          await fn(item);
          ok.push(item);
        } catch (err) {
          const sla = 'mem' in item ? (item as SlaPass).sla : (item as CachedSla);
          this.#d.log.error(
            { err, sla: slaKeyOf(sla), step },
            `${step} failed for the SLA; continuing with the next`,
          );
        }
      }
    } finally {
      end();
    }
    return ok;
  }

  /** Reconciles the SLA's PodScales and observes its tracked pods; undefined while its target is unread. */
  async #observe(sla: CachedSla, trackedUids: Set<string>): Promise<SlaPass | undefined> {
    const mem = this.#mem(slaKeyOf(sla));
    const r = await this.#d.controller.reconcile(sla);
    if (r.pending) return undefined; // its target's first /scale read is still running
    for (const t of r.tracked) trackedUids.add(t.uid);
    let policy: ServicePolicy | undefined;
    try {
      policy = this.#d.policyOf(sla);
    } catch (err) {
      r.invalid ??= { reason: 'InvalidSpec', message: (err as Error).message };
    }
    if (r.invalid || !policy || !r.scale) return { sla, mem, r, ...(policy ? { policy } : {}) };
    this.#recommenders.set(slaKeyOf(sla), policy.recommender);
    const hub = this.#hubSamples(sla, r);
    const views = r.tracked.map((t) => this.#podView(t, mem));
    for (const uid of mem.lastSignalMs.keys()) if (!trackedUids.has(uid)) mem.lastSignalMs.delete(uid);
    const uids = new Set(r.tracked.map((t) => t.uid));
    mem.reversals.retain(uids);
    for (const uid of mem.desiredWrittenMs.keys()) if (!uids.has(uid)) mem.desiredWrittenMs.delete(uid);
    const observed = observeService(views, {
      statistic: sla.spec.objective.statistic ?? 'p95',
      scraped: sla.spec.metrics?.scrape !== undefined,
      hub,
    });
    if (observed.newPodCpuMilli !== undefined) mem.newPodCpuMilli = observed.newPodCpuMilli;
    return { sla, mem, r, policy, planning: { policy, hub, observed } };
  }

  /** The tracked pod as the hub sees it: its object's facts and its agent's sample (fresh once). */
  #podView(t: SlaReconcileResult['tracked'][number], mem: SlaMemory): TrackedPodView {
    const { model } = this.#d;
    const obs = model.observation(t.uid);
    const fresh =
      obs !== undefined && model.isFreshObservation(obs) && mem.lastSignalMs.get(t.uid) !== obs.receivedMs;
    if (fresh) mem.lastSignalMs.set(t.uid, obs.receivedMs);
    const ready = isPodReady(t.pod);
    return {
      key: t.uid,
      name: t.name,
      ready,
      unschedulable: !ready && isPodUnschedulable(t.pod),
      specResources: containerResources(t.pod, t.container),
      sample: obs?.sample,
      reportWindowSeconds: obs?.windowSeconds ?? 0,
      fresh,
    };
  }

  #plan(p: SlaPass, nowMs: number, room: (newPodCpuMilli: number) => number): void {
    const planning = p.planning!;
    const plan = planStep(this.#d.planService, {
      policy: planning.policy,
      state: p.mem.control,
      observed: planning.observed,
      nowSeconds: nowMs / 1000,
      currentReplicas: p.r.scale!.specReplicas,
      nodesAutoscaled: this.#d.nodesAutoscaled === true,
      newPodCpuMilli: p.mem.newPodCpuMilli,
      room,
    });
    p.mem.control = plan.state;
    planning.plan = plan;
  }

  #enact(p: SlaPass, nowMs: number, nodePolicy: Map<string, ArbitrationPolicyName>): void {
    const { policy, plan, hub } = p.planning!;
    enactPlan(this.#d, { sla: p.sla, r: p.r, policy, plan: plan!, hub, mem: p.mem, nowMs, nodePolicy });
  }

  async #publish(p: SlaPass, nowMs: number): Promise<void> {
    const planning = p.planning;
    if (!planning?.plan) return this.#publisher.unplanned(p.sla, p.r, p.mem, p.policy);
    const { policy, plan, hub, observed } = planning;
    await this.#publisher.planned(p.sla, p.r, p.mem, hub, { policy, plan, pods: observed.pods, nowMs });
  }

  #mem(key: string): SlaMemory {
    let m = this.#memory.get(key);
    if (!m) {
      m = newSlaMemory();
      this.#memory.set(key, m);
    }
    return m;
  }

  /** The SLA's latest samples from Prometheus (a query starts when one is due); undefined for scraped SLAs. */
  #hubSamples(sla: CachedSla, r: SlaReconcileResult): HubSamples {
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
}
