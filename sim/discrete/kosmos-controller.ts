// The "kosmos" contender: a thin adapter that runs the product's own steps on engine observations —
// the hub's observe (observeService), plan (planStep → planService) and node room (nodeRoomInput),
// and the agent's node step (nodeStep). What it makes up is only what the engine stands in for: the
// agent's report of each placed pod (a PodSample), Prometheus's view for hub-sourced SLAs, the pod facts.

import { type NodeStep, nodeStep } from '../../agent/src/actuator/node-step.ts';
import { defaultNodeStepSettings } from '../../agent/src/config.ts';
import type { TrackedPod } from '../../agent/src/pods/node-view.ts';
import {
  type PodCapReason,
  planService,
  policyFromSla,
  type ServiceControlState,
  type ServicePlan,
  type ServicePolicy,
} from '../../hub/src/control/index.ts';
import { nodeRoomInput, roomIndex } from '../../hub/src/horizontal/room.ts';
import { type HubSamples, observeService, type TrackedPodView } from '../../hub/src/loop/observe.ts';
import { planStep } from '../../hub/src/loop/plan-step.ts';
import type { PodSample } from '../../hub/src/model/pod-sample.ts';
import type { PrometheusPodSample } from '../../hub/src/prometheus/samples.ts';
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import { computeWeights, type WeightState } from '../../hub/src/status/weights.ts';
import { statisticSeconds } from '../../lib/api/statistic.ts';
import type { ArbitrationPolicyName } from '../../lib/api/types.ts';
import { arbitrationPolicyToWire } from '../../lib/grpc/wire-enums.ts';
import type {
  Controller,
  ControllerActions,
  ControllerContext,
  Observation,
  PodObservation,
  PodResources,
  ResizeAction,
  RtStats,
} from './controller.ts';

export interface KosmosControllerOptions {
  /** Control period, seconds (default 1 s, the product's hub `--period` and agent `--tick`). */
  periodSeconds?: number;
  /** Publish load-balancer weights ∝ enacted CPU, computed as the hub does (hub/src/status/weights.ts);
   *  false: equal split over ready pods (default true). */
  weightedBalancing?: boolean;
  /** Name in recordings and results (default "kosmos"). */
  name?: string;
  /** Overrides of the recommender's tuning for every service (default: none, the product's defaults). */
  tuning?: Partial<KosmosTuning>;
  /** Nodes are added on demand (the hub's --nodes-autoscaled): node contention adds replicas whatever
   *  the room, and Pending pods count as coming (default false: the scenario's nodes are all there is). */
  nodesGrow?: boolean;
  /**
   * Response time and request rate as the hub reads them from Prometheus (SLA metrics.prometheus)
   * instead of from the agent's scrape of the pod: Prometheus scrapes every scrapeIntervalSeconds,
   * the hub queries twice per interval and sees, over `windowSeconds` (default 4 intervals) up to the
   * last scrape, the rate of finished requests and the response-time statistic. CPU usage stays the
   * agent's. Default: the direct scrape.
   */
  prometheus?: { scrapeIntervalSeconds: number; windowSeconds?: number };
}

/** One control window of a pod as Prometheus's counters record it. */
interface PodWindow {
  endSeconds: number;
  completions: number;
  rt: RtStats | null;
}

type SlaSpec = Parameters<typeof policyFromSla>[0];

interface ServiceRuntime {
  policy: ServicePolicy;
  state: ServiceControlState | undefined;
  /** Smoothed enacted CPU per pod, carried between weight computations. */
  weights: WeightState;
  /** CPU a new pod asks the scheduler for: what the last pod seen before it was ready had (the template's). */
  newPodCpuMilli?: number;
}

/** One pod's plan this tick, as the hub hands it to the node's agent. */
interface PlannedPod {
  pod: PodObservation;
  desired: PodResources;
  essentialCpuMilli: number;
  policy: ServicePolicy;
}

interface PodMemory {
  /** The pod's recent windows, for the Prometheus view (only with the prometheus option). */
  history?: PodWindow[];
  /** What the node arbiter could not grant at the last tick. */
  contention: PodResources;
  oomKills: number;
  /** What the hub last planned for the pod (before arbitration), as its model holds it for the node room. */
  plannedCpuMilli?: number;
}

/** The hub's `--period` and the agent's `--tick` default: the recommender pools these windows up to
 *  its evidence horizon (RECOMMENDER_DEFAULTS.tuning.evidenceSeconds). */
const PRODUCT_PERIOD_SECONDS = 1;

/** As hub/src/prometheus/promql.ts: the default window is four scrapes. */
const DEFAULT_WINDOW_INTERVALS = 4;

const ZERO: PodResources = { cpuMilli: 0, memoryBytes: 0 };

/** The agent's node-step terms at its flags' defaults (reserve, deadband, memory-limit decrease). */
const AGENT_SETTINGS = defaultNodeStepSettings();

export class KosmosController implements Controller {
  readonly name: string;
  readonly periodSeconds: number;
  readonly #weighted: boolean;
  readonly #tuning: Partial<KosmosTuning>;
  readonly #nodesGrow: boolean;
  readonly #prometheus: { scrapeIntervalSeconds: number; windowSeconds: number } | undefined;
  readonly #services = new Map<string, ServiceRuntime>();
  readonly #pods = new Map<string, PodMemory>();
  #lastPlan = new Map<string, PodResources>();

  constructor(options: KosmosControllerOptions = {}) {
    this.periodSeconds = options.periodSeconds ?? PRODUCT_PERIOD_SECONDS;
    this.#weighted = options.weightedBalancing ?? true;
    this.name = options.name ?? 'kosmos';
    this.#tuning = options.tuning ?? {};
    this.#nodesGrow = options.nodesGrow ?? false;
    const prom = options.prometheus;
    this.#prometheus = prom && {
      scrapeIntervalSeconds: prom.scrapeIntervalSeconds,
      windowSeconds: prom.windowSeconds ?? DEFAULT_WINDOW_INTERVALS * prom.scrapeIntervalSeconds,
    };
  }

  start(context: ControllerContext): void {
    for (const s of context.services) this.#services.set(s.name, this.#newRuntime(s.name, s.sla.spec));
  }

  decide(observation: Observation): ControllerActions {
    const actions: Required<Pick<ControllerActions, 'resizes' | 'replicas' | 'weights'>> = {
      resizes: [],
      replicas: [],
      weights: [],
    };
    const desired = new Map<string, PlannedPod>();
    const allPods = new Map(observation.services.flatMap((s) => s.pods.map((p) => [p.name, p] as const)));
    // As the hub's loop: the node room is indexed at most once per pass, from the plans of the last one.
    let index: ((newPodCpuMilli: number) => number) | undefined;
    const room = (newPodCpuMilli: number) => {
      index ??= roomIndex(this.#nodeRoom(observation, allPods));
      return index(newPodCpuMilli);
    };
    const plans: Array<{
      service: Observation['services'][number];
      runtime: ServiceRuntime;
      plan: ServicePlan;
    }> = [];
    for (const service of observation.services) {
      const runtime = this.#runtime(service.name, service.sla.spec);
      const hub = this.#hubSamples(service.pods, observation);
      const observed = observeService(
        service.pods.map((pod) => this.#podView(pod, observation, hub !== undefined)),
        {
          statistic: runtime.policy.recommender.statistic,
          scraped: hub === undefined && service.sla.spec.metrics?.scrape !== undefined,
          hub,
        },
      );
      if (observed.newPodCpuMilli !== undefined) runtime.newPodCpuMilli = observed.newPodCpuMilli;
      const plan = planStep(planService, {
        policy: runtime.policy,
        state: runtime.state,
        observed,
        nowSeconds: observation.nowSeconds,
        currentReplicas: service.replicas.target,
        nodesAutoscaled: this.#nodesGrow,
        newPodCpuMilli: runtime.newPodCpuMilli,
        room,
      });
      runtime.state = plan.state;
      plans.push({ service, runtime, plan });
      if (this.#weighted) {
        // As the hub's publish step: every observed pod with an enacted size.
        const enacted = new Map(
          observed.pods
            .filter((p) => p.enacted.cpuMilli > 0)
            .map((p) => [p.key, p.enacted.cpuMilli] as const),
        );
        const { weights, state } = computeWeights(runtime.weights, enacted);
        runtime.weights = state;
        if (runtime.policy.mode === 'Auto')
          for (const [pod, weight] of weights) actions.weights.push({ pod, weight });
      }
    }
    // As the hub's enact step, after every service is planned: the model's plans, directives, /scale.
    this.#lastPlan = new Map(plans.flatMap(({ plan }) => plan.pods.map((p) => [p.key, p.desired] as const)));
    for (const { service, runtime, plan } of plans) {
      const byName = new Map(service.pods.map((p) => [p.name, p]));
      for (const p of plan.pods) {
        const pod = byName.get(p.key);
        if (!pod) continue;
        const memory = this.#pods.get(pod.name);
        if (memory) memory.plannedCpuMilli = p.desired.cpuMilli;
        if (runtime.policy.mode !== 'Auto') continue;
        desired.set(pod.name, {
          pod,
          desired: p.desired,
          essentialCpuMilli: p.essentialCpuMilli,
          policy: runtime.policy,
        });
      }
      if (runtime.policy.mode === 'Auto' && plan.replicas !== service.replicas.target) {
        actions.replicas.push({ service: service.name, replicas: plan.replicas });
      }
    }
    for (const node of observation.nodes)
      actions.resizes.push(...this.#arbitrateNode(node, desired, allPods));
    this.#forgetGone(allPods);
    return actions;
  }

  /** The desired size per pod the last decide() planned (before the node step): what the hub would direct. */
  lastPlan(): ReadonlyMap<string, PodResources> {
    return this.#lastPlan;
  }

  /** Per node, what the hub's model holds as promised (nodeRoomInput): the pods its agent reports and their plans. */
  #nodeRoom(observation: Observation, pods: Map<string, PodObservation>) {
    return observation.nodes.map((node) =>
      nodeRoomInput({
        allocatableCpuMilli: node.allocatable.cpuMilli,
        untrackedCpuMilli: 0,
        pods: node.pods.map((name) => ({
          enactedCpuMilli: pods.get(name)?.enacted.cpuMilli ?? 0,
          plannedCpuMilli: this.#pods.get(name)?.plannedCpuMilli ?? 0,
        })),
      }),
    );
  }

  #runtime(name: string, spec: SlaSpec): ServiceRuntime {
    let runtime = this.#services.get(name);
    if (!runtime) {
      runtime = this.#newRuntime(name, spec);
      this.#services.set(name, runtime);
    }
    return runtime;
  }

  /** The service's policy from its SLA (with this controller's tuning overrides) and empty state. */
  #newRuntime(name: string, spec: SlaSpec): ServiceRuntime {
    const result = policyFromSla(spec);
    if (!result.policy) {
      const why = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      throw new Error(`service ${name}: SLA has no valid policy (${why})`);
    }
    const r = result.policy.recommender;
    const policy = { ...result.policy, recommender: { ...r, tuning: { ...r.tuning, ...this.#tuning } } };
    return { policy, state: undefined, weights: new Map() };
  }

  /**
   * The pod as the hub's loop sees it: the pod object's facts and, once it is placed, its agent's
   * report (every period, so always fresh).
   */
  #podView(pod: PodObservation, observation: Observation, hubSourced: boolean): TrackedPodView {
    const sample = pod.node === null ? undefined : this.#sample(pod, observation.windowSeconds, hubSourced);
    return {
      key: pod.name,
      name: pod.name,
      ready: pod.ready,
      unschedulable: pod.phase === 'Pending',
      specResources: pod.enacted.cpuMilli > 0 ? pod.enacted : pod.desired,
      ...(sample ? { sample } : {}),
      reportWindowSeconds: observation.windowSeconds,
      fresh: sample !== undefined,
    };
  }

  /** What the node's agent reports for the pod this period (agentSample), with the OOM kill since the last. */
  #sample(pod: PodObservation, windowSeconds: number, hubSourced: boolean): PodSample {
    const memory = this.#pods.get(pod.name) ?? { contention: ZERO, oomKills: pod.oomKills };
    const oomKilled = pod.oomKills > memory.oomKills;
    memory.oomKills = pod.oomKills;
    this.#pods.set(pod.name, memory);
    return agentSample(pod, { windowSeconds, hubSourced, contention: memory.contention, oomKilled });
  }

  /** With the prometheus option: the hub's samples from Prometheus for the service's pods (none before its second scrape). */
  #hubSamples(pods: readonly PodObservation[], observation: Observation): HubSamples {
    if (!this.#prometheus) return undefined;
    const samples = new Map<string, PrometheusPodSample>();
    for (const pod of pods) {
      const memory = this.#pods.get(pod.name) ?? { contention: ZERO, oomKills: pod.oomKills };
      this.#pods.set(pod.name, memory);
      const statistic = this.#services.get(pod.service)!.policy.recommender.statistic;
      const view = this.#prometheusView(
        memory,
        pod,
        observation.nowSeconds,
        observation.windowSeconds,
        statistic,
      );
      if (view) {
        samples.set(pod.name, {
          ok: true,
          requestRate: view.requestRate,
          ...(view.rt !== undefined ? { responseTimeSeconds: view.rt } : {}),
        });
      }
    }
    return { samples: { atMs: observation.nowSeconds * 1000, pods: samples } };
  }

  /**
   * What the hub reads from Prometheus for the pod now: the last query (every half interval) saw the
   * last scrape before it; rate and statistic over the window ending at that scrape. The statistic of
   * the window is the request-weighted mean of its control windows' (exact for the mean, a close
   * approximation of a percentile of the union). Undefined before Prometheus has scraped the pod
   * twice (no rate yet: the hub holds the pod).
   */
  #prometheusView(
    memory: PodMemory,
    pod: PodObservation,
    nowSeconds: number,
    windowSeconds: number,
    statistic: Parameters<typeof statisticSeconds>[1],
  ): { requestRate: number; rt: number | undefined } | undefined {
    const { scrapeIntervalSeconds: interval, windowSeconds: range } = this.#prometheus!;
    if (!memory.history) memory.history = [];
    const history = memory.history;
    if (pod.ready)
      history.push({ endSeconds: nowSeconds, completions: pod.throughput * windowSeconds, rt: pod.rt });
    while (history.length > 0 && history[0]!.endSeconds < nowSeconds - range - 2 * interval) history.shift();
    const queriedAt = Math.floor(nowSeconds / (interval / 2)) * (interval / 2);
    const scrapedAt = Math.floor(queriedAt / interval + 1e-9) * interval;
    const inRange = history.filter(
      (w) => w.endSeconds > scrapedAt - range && w.endSeconds <= scrapedAt + 1e-9,
    );
    const first = history[0];
    if (inRange.length === 0 || !first || first.endSeconds > scrapedAt - interval) return undefined;
    let completions = 0;
    let weighted = 0;
    let weight = 0;
    for (const w of inRange) {
      completions += w.completions;
      if (w.rt && w.completions > 0) {
        weighted += statisticSeconds(w.rt, statistic) * w.completions;
        weight += w.completions;
      }
    }
    const covered = Math.min(range, scrapedAt - first.endSeconds + windowSeconds);
    return { requestRate: completions / covered, rt: weight > 0 ? weighted / weight : undefined };
  }

  /**
   * The agent's step on one node (agent/src/actuator/node-step.ts, as the live agent runs it): the
   * directive the hub would send for the node's planned pods, the node's state as the agent reads
   * it, grants, then the resizes the agent would request.
   */
  #arbitrateNode(
    node: Observation['nodes'][number],
    desired: Map<string, PlannedPod>,
    allPods: Map<string, PodObservation>,
  ): ResizeAction[] {
    const entries = node.pods.flatMap((name) => {
      const d = desired.get(name);
      return d ? [{ name, ...d }] : [];
    });
    if (entries.length === 0) return [];
    // Pods not planned this tick (Recommend mode) keep their size: their requests are not the arbiter's.
    const untracked = { cpuMilli: 0, memoryBytes: 0 };
    for (const name of node.pods) {
      const other = desired.has(name) ? undefined : allPods.get(name);
      if (!other) continue;
      untracked.cpuMilli += other.desired.cpuMilli;
      untracked.memoryBytes += other.desired.memoryBytes;
    }
    // As the hub: minimum-first on a node as soon as one of its planned pods' SLAs asks for it.
    const policy: ArbitrationPolicyName = entries.some((e) => e.policy.arbitration === 'minimum-first')
      ? 'minimum-first'
      : 'proportional';
    const step = nodeStep({
      directive: {
        nodeName: node.name,
        inReplyTo: 0,
        tickPeriodMs: this.periodSeconds * 1000,
        policy: arbitrationPolicyToWire(policy),
        reserve: null,
        pods: entries.map((e) => ({
          uid: e.name,
          namespace: e.pod.service,
          name: e.name,
          container: SIM_CONTAINER,
          desired: e.desired,
          minimum: e.policy.minResources,
          essential: { cpuMilli: e.essentialCpuMilli, memoryBytes: 0 },
          maximum: e.policy.maxResources,
          priority: e.policy.priority,
          recommendOnly: false,
          sla: e.pod.service,
          hubSourcedMetrics: false,
          metricsFailureReason: '',
          metricsFailureMessage: '',
        })),
      },
      tracked: entries.map((e) => trackedPod(e.pod)),
      allocatable: node.allocatable,
      untrackedRequests: untracked,
      memoryUsageBytes: new Map(entries.map((e) => [e.name, e.pod.workingSetBytes])),
      settings: AGENT_SETTINGS,
      nowMs: 0,
    });
    for (const g of step.grants.grants) {
      const memory = this.#pods.get(g.uid);
      if (memory) memory.contention = contentionOf(g);
    }
    return step.resizes.flatMap(({ pod, decision }) =>
      decision.kind === 'patch'
        ? [
            {
              pod: pod.uid,
              cpuMilli: decision.plan.requested.cpuMilli,
              memoryBytes: decision.plan.requested.memoryBytes,
            },
          ]
        : [],
    );
  }

  #forgetGone(live: Map<string, PodObservation>): void {
    for (const name of this.#pods.keys()) if (!live.has(name)) this.#pods.delete(name);
  }
}

const SIM_CONTAINER = 'app';

/** What the node step withheld from the pod for node contention (desired − granted), else zero. */
export function contentionOf(g: NodeStep['grants']['grants'][number]): PodResources {
  return g.reason === 'NodeContention'
    ? {
        cpuMilli: Math.max(0, g.desired.cpuMilli - g.granted.cpuMilli),
        memoryBytes: Math.max(0, g.desired.memoryBytes - g.granted.memoryBytes),
      }
    : ZERO;
}

/**
 * What a node's agent reports for a placed pod, from the engine: its usage and response-time window,
 * and what could not be enacted (what the node step withheld, or the kubelet's Deferred/Infeasible).
 * A hub-sourced pod is not scraped by the agent: no response-time window.
 */
export function agentSample(
  pod: PodObservation,
  o: { windowSeconds: number; hubSourced: boolean; contention: PodResources; oomKilled: boolean },
): PodSample {
  let capped = o.contention;
  let capReason: PodCapReason = capped.cpuMilli > 0 || capped.memoryBytes > 0 ? 'NodeContention' : 'None';
  if (pod.resize === 'Deferred' || pod.resize === 'Infeasible') {
    capped = {
      cpuMilli: Math.max(0, pod.desired.cpuMilli - pod.enacted.cpuMilli),
      memoryBytes: Math.max(0, pod.desired.memoryBytes - pod.enacted.memoryBytes),
    };
    capReason = pod.resize === 'Deferred' ? 'ResizeDeferred' : 'ResizeInfeasible';
  }
  const rt = pod.rt ?? { meanSeconds: 0, p50Seconds: 0, p90Seconds: 0, p95Seconds: 0, p99Seconds: 0 };
  return {
    uid: pod.name,
    namespace: pod.service,
    name: pod.name,
    container: SIM_CONTAINER,
    sla: pod.service,
    cpuUsageMilli: pod.usedCores * 1000,
    cpuThrottledRatio: pod.throttledFraction,
    memoryWorkingSetBytes: pod.peakWorkingSetBytes,
    ...(o.hubSourced
      ? {}
      : {
          responseTime: {
            requestCount: pod.rt ? pod.throughput * o.windowSeconds : 0,
            meanSeconds: rt.meanSeconds,
            p50Seconds: rt.p50Seconds,
            p90Seconds: rt.p90Seconds,
            p95Seconds: rt.p95Seconds,
            p99Seconds: rt.p99Seconds,
            windowSeconds: o.windowSeconds,
            valid: true,
            error: '',
            failureReason: '',
          },
        }),
    enacted: pod.enacted,
    capped,
    capReason,
    resizeState: pod.resize,
    ready: pod.ready,
    lastTerminationOom: o.oomKilled,
    usageValid: true,
  };
}

/** A simulated pod as the agent's node view has it: Guaranteed (the engine's memory limit is its request). */
export function trackedPod(pod: PodObservation): TrackedPod {
  const size = pod.desired;
  return {
    uid: pod.name,
    namespace: pod.service,
    name: pod.name,
    container: SIM_CONTAINER,
    sla: pod.service,
    podIp: '',
    qosClass: 'Guaranteed',
    spec: {
      cpuRequestMilli: size.cpuMilli,
      cpuLimitMilli: size.cpuMilli,
      memoryRequestBytes: size.memoryBytes,
      memoryLimitBytes: size.memoryBytes,
    },
    enacted: pod.enacted,
    resize: { state: pod.resize, message: '' },
    health: { ready: pod.ready, restartCount: pod.restarts, lastTerminationOom: false, containerId: '' },
  };
}
