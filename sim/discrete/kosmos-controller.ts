// The "kosmos" contender: a thin adapter that runs the product's own steps on engine observations —
// the hub's observe (observeService), plan (planStep → planService) and node room (nodeRoomInput),
// and the agent's scrape windows (its response-time tracker) and node step (nodeStep). What it makes
// up is only what the engine stands in for: the agent's report of each placed pod (a PodSample),
// Prometheus's view for hub-sourced SLAs, the pod facts. Timing is the product's (agenthub.proto): at
// each tick the agents scrape and report, then enact the directive of the hub's previous pass; the
// hub's pass on these reports directs the agents' next tick — a report is enacted one period later.

import { type NodeStep, nodeStep } from '../../agent/src/actuator/node-step.ts';
import { agentConfig, defaultNodeStepSettings } from '../../agent/src/config.ts';
import { invalidWindow, type ResponseTimeWindow } from '../../agent/src/metrics/window.ts';
import type { TrackedPod } from '../../agent/src/pods/node-view.ts';
import { hubConfig } from '../../hub/src/config.ts';
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
import { AgentScrapes, NOT_SERVING } from './agent-scrape.ts';
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
  /** Control period, seconds: the agents' tick and the hub's period (default: their flags' defaults). */
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
  /** Called with every service's plan of the hub's pass (its pods' decisions and terms): a run's timeline. */
  onPlan?: (nowSeconds: number, service: string, plan: ServicePlan) => void;
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

/** One pod's plan of the hub's last pass, as its directive hands it to the node's agent. */
interface PlannedPod {
  service: string;
  desired: PodResources;
  essentialCpuMilli: number;
  policy: ServicePolicy;
}

interface PodMemory {
  /** The pod's recent windows, for the Prometheus view (only with the prometheus option). */
  history?: PodWindow[];
  /** What the node arbiter could not grant at the last tick. */
  contention: PodResources;
  /** What the hub last planned for the pod (before arbitration), as its model holds it for the node room. */
  plannedCpuMilli?: number;
}

/**
 * The agents' `--tick` and the hub's `--period` at their defaults. The simulator runs both on one
 * period (the lag it models, one period, is the proto's for equal periods).
 */
export function productPeriodSeconds(): number {
  const tickMs = agentConfig.defaultOf('tickMs');
  const hubPeriodMs = hubConfig.defaultOf('periodMs');
  if (tickMs === undefined || tickMs !== hubPeriodMs)
    throw new Error(`agent --tick ${tickMs} ms and hub --period ${hubPeriodMs} ms defaults differ`);
  return tickMs / 1000;
}

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
  readonly #onPlan: KosmosControllerOptions['onPlan'];
  readonly #prometheus: { scrapeIntervalSeconds: number; windowSeconds: number } | undefined;
  readonly #services = new Map<string, ServiceRuntime>();
  readonly #pods = new Map<string, PodMemory>();
  readonly #scrapes: AgentScrapes;
  #lastPlan = new Map<string, PodResources>();
  /** The directive of the hub's last pass, per pod: what the agents enact at their next tick. */
  #directive = new Map<string, PlannedPod>();

  constructor(options: KosmosControllerOptions = {}) {
    this.periodSeconds = options.periodSeconds ?? productPeriodSeconds();
    this.#scrapes = new AgentScrapes(this.periodSeconds);
    this.#weighted = options.weightedBalancing ?? true;
    this.name = options.name ?? 'kosmos';
    this.#tuning = options.tuning ?? {};
    this.#nodesGrow = options.nodesGrow ?? false;
    this.#onPlan = options.onPlan;
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
    const allPods = new Map(observation.services.flatMap((s) => s.pods.map((p) => [p.name, p] as const)));
    // Each node's agent at its tick: it scrapes and reports (with what its last node step withheld),
    // then enacts the newest directive — the hub's last pass, on the previous tick's reports.
    const samples = this.#reports(observation, allPods);
    for (const node of observation.nodes) actions.resizes.push(...this.#nodeTick(node, allPods));
    // The hub's pass on these reports: /scale and weights now, its plans at the agents' next tick.
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
        service.pods.map((pod) => podView(pod, samples.get(pod.name), observation.windowSeconds)),
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
      this.#onPlan?.(observation.nowSeconds, service.name, plan);
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
    this.#directive = new Map();
    for (const { service, runtime, plan } of plans) {
      for (const p of plan.pods) {
        if (!allPods.has(p.key)) continue;
        const memory = this.#pods.get(p.key);
        if (memory) memory.plannedCpuMilli = p.desired.cpuMilli;
        if (runtime.policy.mode !== 'Auto') continue;
        this.#directive.set(p.key, {
          service: service.name,
          desired: p.desired,
          essentialCpuMilli: p.essentialCpuMilli,
          policy: runtime.policy,
        });
      }
      if (runtime.policy.mode === 'Auto' && plan.replicas !== service.replicas.target) {
        actions.replicas.push({ service: service.name, replicas: plan.replicas });
      }
    }
    this.#forgetGone(allPods);
    return actions;
  }

  /** The desired size per pod the last decide()'s hub pass planned: what the agents enact at their next tick. */
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
   * What the agents report this tick for every placed pod (agentSample): its usage, its scrape window
   * (none for hub-sourced SLAs: the agent does not scrape them), what the last node step withheld, and
   * its restart count with the last termination.
   */
  #reports(observation: Observation, pods: Map<string, PodObservation>): Map<string, PodSample> {
    const hubSourced = this.#prometheus !== undefined;
    const windows = hubSourced ? undefined : this.#scrapes.scrape(observation);
    const samples = new Map<string, PodSample>();
    for (const pod of pods.values()) {
      if (pod.node === null) continue;
      const memory = this.#pods.get(pod.name) ?? { contention: ZERO };
      this.#pods.set(pod.name, memory);
      samples.set(
        pod.name,
        agentSample(pod, {
          windowSeconds: observation.windowSeconds,
          contention: memory.contention,
          ...(windows ? { responseTime: windows.get(pod.name) ?? invalidWindow(NOT_SERVING) } : {}),
        }),
      );
    }
    return samples;
  }

  /** With the prometheus option: the hub's samples from Prometheus for the service's pods (none before its second scrape). */
  #hubSamples(pods: readonly PodObservation[], observation: Observation): HubSamples {
    if (!this.#prometheus) return undefined;
    const samples = new Map<string, PrometheusPodSample>();
    for (const pod of pods) {
      const memory = this.#pods.get(pod.name) ?? { contention: ZERO };
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
   * directive of the hub's last pass for the node's pods, the node's state as the agent reads it now,
   * grants, then the resizes the agent requests.
   */
  #nodeTick(node: Observation['nodes'][number], allPods: Map<string, PodObservation>): ResizeAction[] {
    const entries = node.pods.flatMap((name) => {
      const d = this.#directive.get(name);
      const pod = allPods.get(name);
      return d && pod ? [{ name, pod, ...d }] : [];
    });
    if (entries.length === 0) return [];
    // Pods the directive does not name (Recommend mode) keep their size: their requests are not the arbiter's.
    const untracked = { cpuMilli: 0, memoryBytes: 0 };
    for (const name of node.pods) {
      const other = this.#directive.has(name) ? undefined : allPods.get(name);
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
          namespace: e.service,
          name: e.name,
          container: SIM_CONTAINER,
          desired: e.desired,
          minimum: e.policy.minResources,
          essential: { cpuMilli: e.essentialCpuMilli, memoryBytes: 0 },
          maximum: e.policy.maxResources,
          priority: e.policy.priority,
          recommendOnly: false,
          sla: e.service,
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

/**
 * The pod as the hub's loop sees it: the pod object's facts and, once it is placed, its agent's
 * report (every period, so always fresh).
 */
function podView(pod: PodObservation, sample: PodSample | undefined, windowSeconds: number): TrackedPodView {
  return {
    key: pod.name,
    name: pod.name,
    ready: pod.ready,
    unschedulable: pod.phase === 'Pending',
    specResources: pod.enacted.cpuMilli > 0 ? pod.enacted : pod.desired,
    ...(sample ? { sample } : {}),
    reportWindowSeconds: windowSeconds,
    fresh: sample !== undefined,
  };
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
 * What a node's agent reports for a placed pod, from the engine: its usage, its scrape window
 * (`responseTime`, from AgentScrapes; absent for a hub-sourced pod, which the agent does not scrape),
 * and what could not be enacted (what the node step withheld, or the kubelet's Deferred/Infeasible).
 */
export function agentSample(
  pod: PodObservation,
  o: {
    windowSeconds: number;
    responseTime?: ResponseTimeWindow;
    contention: PodResources;
  },
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
  return {
    uid: pod.name,
    namespace: pod.service,
    name: pod.name,
    container: SIM_CONTAINER,
    sla: pod.service,
    cpuUsageMilli: pod.usedCores * 1000,
    cpuThrottledRatio: pod.throttledFraction,
    memoryWorkingSetBytes: pod.peakWorkingSetBytes,
    ...(o.responseTime ? { responseTime: o.responseTime } : {}),
    enacted: pod.enacted,
    capped,
    capReason,
    resizeState: pod.resize,
    ready: pod.ready,
    // as the kubelet reports it: the last termination stays OOMKilled until the next one
    restartCount: pod.oomKills,
    lastTerminationOom: pod.oomKills > 0,
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
