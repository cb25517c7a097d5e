// The "kosmos" contender: the hub's pure per-service planner (planService) and the agent's node
// arbiter (arbitrate) stepped directly on engine observations, as the live hub and agents would.

import { nodeStep } from '../../agent/src/actuator/node-step.ts';
import { defaultNodeStepSettings } from '../../agent/src/config.ts';
import type { TrackedPod } from '../../agent/src/pods/node-view.ts';
import {
  type PodObservation as HubPodObservation,
  type PodCapReason,
  planService,
  policyFromSla,
  type ServiceControlState,
  type ServicePolicy,
} from '../../hub/src/control/index.ts';
import { type NodeRoomInput, roomIndex } from '../../hub/src/horizontal/room.ts';
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
  newPodCpuMilli: number;
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
  /** What the hub last planned for the pod (before arbitration). */
  desiredCpuMilli?: number;
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
    const room = roomIndex(this.#nodeRoom(observation, allPods));
    for (const service of observation.services) {
      const runtime = this.#runtime(service.name, service.sla.spec);
      for (const pod of service.pods)
        if (!pod.ready && pod.enacted.cpuMilli > 0) runtime.newPodCpuMilli = pod.enacted.cpuMilli;
      const plan = planService(runtime.policy, runtime.state, {
        nowSeconds: observation.nowSeconds,
        currentReplicas: service.replicas.target,
        readyReplicas: service.replicas.ready,
        pods: service.pods.map((pod) =>
          this.#hubPod(pod, runtime.policy, observation.windowSeconds, observation.nowSeconds),
        ),
        unschedulableReplicas: service.pods.filter((p) => p.phase === 'Pending').length,
        nodesAutoscaled: this.#nodesGrow,
        scaleOutRoomCpuMilli: room(runtime.newPodCpuMilli),
      });
      runtime.state = plan.state;
      if (runtime.policy.mode !== 'Auto') continue;
      plan.pods.forEach((p, i) => {
        const pod = service.pods[i]!;
        const memory = this.#pods.get(pod.name);
        if (memory) memory.desiredCpuMilli = p.desired.cpuMilli;
        desired.set(pod.name, {
          pod,
          desired: p.desired,
          essentialCpuMilli: p.essentialCpuMilli,
          policy: runtime.policy,
        });
      });
      if (plan.replicas !== service.replicas.target) {
        actions.replicas.push({ service: service.name, replicas: plan.replicas });
      }
      if (this.#weighted) {
        // As the hub's control loop: every pod with an enacted size, starting ones included.
        const enacted = new Map(
          service.pods
            .filter((p) => p.enacted.cpuMilli > 0)
            .map((p) => [p.name, p.enacted.cpuMilli] as const),
        );
        const { weights, state } = computeWeights(runtime.weights, enacted);
        runtime.weights = state;
        for (const [pod, weight] of weights) actions.weights.push({ pod, weight });
      }
    }
    for (const node of observation.nodes)
      actions.resizes.push(...this.#arbitrateNode(node, desired, allPods));
    this.#forgetGone(allPods);
    return actions;
  }

  /** Per node, what the hub would see as promised: every placed pod's max(enacted, last planned). */
  #nodeRoom(observation: Observation, pods: Map<string, PodObservation>): NodeRoomInput[] {
    return observation.nodes.map((node) => {
      let requestedCpuMilli = 0;
      for (const name of node.pods) {
        const enacted = pods.get(name)?.enacted.cpuMilli ?? 0;
        requestedCpuMilli += Math.max(enacted, this.#pods.get(name)?.desiredCpuMilli ?? 0);
      }
      return { allocatableCpuMilli: node.allocatable.cpuMilli, requestedCpuMilli };
    });
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
    const newPodCpuMilli = policy.defaultResources.cpuMilli ?? policy.minResources.cpuMilli;
    return { policy, state: undefined, weights: new Map(), newPodCpuMilli };
  }

  /** What the agent would report for the pod: its window signal and what could not be enacted. */
  #hubPod(
    pod: PodObservation,
    policy: ServicePolicy,
    windowSeconds: number,
    nowSeconds: number,
  ): HubPodObservation {
    const memory = this.#pods.get(pod.name) ?? { contention: ZERO, oomKills: pod.oomKills };
    const oomKilled = pod.oomKills > memory.oomKills;
    memory.oomKills = pod.oomKills;
    this.#pods.set(pod.name, memory);
    let capped = memory.contention;
    let cappedReason: PodCapReason =
      capped.cpuMilli > 0 || capped.memoryBytes > 0 ? 'NodeContention' : 'None';
    if (pod.resize === 'Deferred' || pod.resize === 'Infeasible') {
      capped = {
        cpuMilli: Math.max(0, pod.desired.cpuMilli - pod.enacted.cpuMilli),
        memoryBytes: Math.max(0, pod.desired.memoryBytes - pod.enacted.memoryBytes),
      };
      cappedReason = pod.resize === 'Deferred' ? 'ResizeDeferred' : 'ResizeInfeasible';
    }
    const statistic = policy.recommender.statistic;
    let rt = pod.rt === null ? undefined : statisticSeconds(pod.rt, statistic);
    let requestRate = pod.throughput;
    if (this.#prometheus) {
      const view = this.#prometheusView(memory, pod, nowSeconds, windowSeconds, statistic);
      if (!view) return { key: pod.name, ready: pod.ready, enacted: pod.enacted, capped, cappedReason };
      ({ requestRate, rt } = view);
    }
    return {
      key: pod.name,
      ready: pod.ready,
      enacted: pod.enacted,
      capped,
      cappedReason,
      ...(pod.ready
        ? {
            signal: {
              periodSeconds: windowSeconds,
              enactedCpuMilli: pod.enacted.cpuMilli,
              enactedMemoryBytes: pod.enacted.memoryBytes,
              cpuUsageMilli: pod.usedCores * 1000,
              throttledRatio: pod.throttledFraction,
              requestRate,
              requestCount: requestRate * windowSeconds,
              ...(rt !== undefined && requestRate > 0 ? { responseTimeSeconds: rt } : {}),
              memoryWorkingSetBytes: pod.peakWorkingSetBytes,
              oomKilled,
            },
          }
        : {}),
    };
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
      if (!memory) continue;
      memory.contention =
        g.reason === 'NodeContention'
          ? {
              cpuMilli: Math.max(0, g.desired.cpuMilli - g.granted.cpuMilli),
              memoryBytes: Math.max(0, g.desired.memoryBytes - g.granted.memoryBytes),
            }
          : ZERO;
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

/** A simulated pod as the agent's node view has it: Guaranteed (the engine's memory limit is its request). */
function trackedPod(pod: PodObservation): TrackedPod {
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
