// The agent's control loop: one runOnce() per tick — read pods → sample cgroups → scrape →
// report → arbitrate (on a new directive) → resize → read back → PodScale status — each step
// timed; a per-pod failure is logged and the tick goes on.
import { KeyedWork, settleWithin } from '../../lib/keyed-work.ts';
import type { Logger } from '../../lib/log.ts';
import type { NodeDirective__Output } from '../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { ResponseTimeWindow } from '../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';
import { type CapState, decideCap } from './actuator/cap-state.ts';
import { type GrantPlan, type PodGrant, planGrants } from './actuator/grants.ts';
import { MetricsEpisodes, type PodEventWriter } from './actuator/metrics-events.ts';
import type { PodScaleStatusWriter } from './actuator/podscale-status.ts';
import { type Deadband, type MemoryLimitDecrease, planResize } from './actuator/resize-plan.ts';
import { isMemoryDecreaseRejection, type Resizer } from './actuator/resizer.ts';
import { StatusPublisher } from './actuator/status-publisher.ts';
import type { MetricsHealth, MetricsScraper, UsageReader, WriteLimiter } from './edges.ts';
import type { AgentMetrics, ResizeOutcome } from './health/agent-metrics.ts';
import type { HealthReport } from './health/health-server.ts';
import type { HubLink } from './hublink/hub-link.ts';
import { buildNodeView, type NodeView, type TrackedPod } from './pods/node-view.ts';
import { type Allocation, type ResizeStatus, resizeStatusOf } from './pods/pod-resources.ts';
import type { PodSource } from './pods/pod-source.ts';
import { buildNodeReport, type PodUsage } from './report/node-report.ts';

export interface AgentSettings {
  tickMs: number;
  reserve: Allocation;
  deadband: Deadband;
  memoryLimitDecrease: MemoryLimitDecrease;
  /** How long a tick waits for the hub's answer to its report before moving on. */
  directiveWaitMs: number;
  /** Backoff after a failed resize request of a pod: first delay, doubling up to max. */
  resizeRetryMs: { initial: number; max: number };
  /**
   * How long a tick waits for its resize requests, and then for its status writes, before moving
   * on (default tickMs / 5); a call still running finishes in the background under its own deadline.
   */
  apiWaitMs?: number;
}

export interface AgentDeps {
  nodeName: string;
  agentVersion: string;
  podSource: PodSource;
  usageReader: UsageReader;
  scraper?: MetricsScraper;
  hub: HubLink;
  resizer: Resizer;
  statusWriter: PodScaleStatusWriter;
  /** Events about pods (a failing metrics endpoint); none are written without it. */
  events?: PodEventWriter;
  limiter: WriteLimiter;
  metrics: AgentMetrics;
  log: Logger;
  settings: AgentSettings;
  now?: () => number;
}

export interface TickSummary {
  sequence: number;
  tracked: number;
  reportSent: boolean;
  directive: boolean;
  resizes: Array<{ pod: string; outcome: ResizeOutcome }>;
  statusWrites: number;
}

interface FailedAttempt {
  failures: number;
  retryAtMs: number;
}

const key = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

export class Agent {
  readonly #d: AgentDeps;
  readonly #now: () => number;
  readonly #log: Logger;
  #sequence = 0;
  #directive: NodeDirective__Output | undefined;
  #grants = new Map<string, PodGrant>();
  #memoryHeld = new Map<string, number>();
  #failed = new Map<string, FailedAttempt>();
  #lastResizeTime = new Map<string, string>();
  #decisionLog = new Map<string, string>();
  readonly #statuses: StatusPublisher;
  readonly #metricsEpisodes: MetricsEpisodes;
  /** Resize requests and status writes, one per pod at a time, off the tick's critical path. */
  readonly #apiWork: KeyedWork;
  #memoryLimitDecrease: MemoryLimitDecrease;
  #lastTickAtMs: number | undefined;
  #lastTickStartMs: number | undefined;
  #lastTickMs: number | undefined;
  #ticking: Promise<unknown> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #trackedCount = 0;
  /** Where this tick's writes start: rotates, so a spent write budget delays every pod in turn. */
  #writeCursor = 0;

  constructor(deps: AgentDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#log = deps.log;
    this.#memoryLimitDecrease = deps.settings.memoryLimitDecrease;
    this.#apiWork = new KeyedWork({ limit: 8, log: deps.log });
    this.#statuses = new StatusPublisher({
      writer: deps.statusWriter,
      limiter: deps.limiter,
      metrics: deps.metrics,
      log: deps.log,
      work: this.#apiWork,
      waitMs: this.#apiWaitMs(),
    });
    this.#metricsEpisodes = new MetricsEpisodes({
      writer: deps.events,
      limiter: deps.limiter,
      metrics: deps.metrics,
      log: deps.log,
    });
  }

  /** Starts ticking every settings.tickMs (ticks never overlap). */
  start(): void {
    this.#running = true;
    const loop = async () => {
      if (!this.#running) return;
      const startedAt = this.#now();
      this.#ticking = this.runOnce().catch((err) => {
        this.#d.metrics.ticks.inc({ outcome: 'error' });
        this.#log.error({ err }, 'tick failed');
      });
      await this.#ticking;
      if (!this.#running) return;
      const delay = Math.max(0, this.#d.settings.tickMs - (this.#now() - startedAt));
      this.#timer = setTimeout(loop, delay);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#ticking;
  }

  health(): HealthReport {
    const hub = this.#d.hub;
    const state = hub.state();
    const sinceTick = this.#lastTickAtMs === undefined ? undefined : this.#now() - this.#lastTickAtMs;
    const away = state === 'connecting' || state === 'disconnected';
    return {
      // Liveness is about this process ticking, not about the hub: restarting would not bring it back.
      live: sinceTick === undefined || sinceTick < Math.max(10_000, 5 * this.#d.settings.tickMs),
      ready: this.#d.podSource.synced() && this.#lastTickAtMs !== undefined,
      details: {
        node: this.#d.nodeName,
        hub: state,
        failStatic: away,
        ...(away
          ? { hubAwayMs: hub.disconnectedForMs(), note: 'hub unreachable: holding last allocations' }
          : {}),
        lastTickAgoMs: sinceTick,
        lastTickDurationMs: this.#lastTickMs,
        trackedPods: this.#trackedCount,
        memoryLimitDecrease: this.#memoryLimitDecrease,
      },
    };
  }

  async runOnce(): Promise<TickSummary> {
    const { metrics } = this.#d;
    const startedAt = this.#now();
    const sequence = ++this.#sequence;
    const summary: TickSummary = {
      sequence,
      tracked: 0,
      reportSent: false,
      directive: false,
      resizes: [],
      statusWrites: 0,
    };

    const snapshot = await metrics.time('read_pods', () => this.#d.podSource.snapshot());
    const viewOf = () =>
      buildNodeView({
        pods: snapshot.pods,
        podScales: snapshot.podScales,
        directed: (this.#directive?.pods ?? []).map((p) => ({
          uid: p.uid,
          container: p.container,
          sla: p.sla,
        })),
        sla: snapshot.sla,
      });
    let view = viewOf();
    summary.tracked = view.tracked.length;
    metrics.trackedPods.set(view.tracked.length);

    const usage = await metrics.time('cgroup_read', () => this.#sampleUsage(view.tracked, startedAt));
    const responseTimes = await metrics.time('scrape', () => this.#scrape(view.tracked, startedAt));
    const metricsHealth = this.#metricsHealth(view.tracked);
    this.#metricsEpisodes.publish(view.tracked, metricsHealth);

    summary.reportSent = await metrics.time('report', () => {
      const report = buildNodeReport({
        nodeName: this.#d.nodeName,
        sequence,
        agentVersion: this.#d.agentVersion,
        allocatable: snapshot.allocatable,
        untrackedRequests: view.untrackedRequests,
        pods: view.tracked,
        usage,
        responseTimes,
        caps: this.#caps(view.tracked, new Map()),
        timestampMs: startedAt,
        // start to start: informational, the hub takes rates from each pod's own scrape window
        windowSeconds: this.#lastTickStartMs === undefined ? 0 : (startedAt - this.#lastTickStartMs) / 1000,
        hubWasUnreachable: this.#d.hub.takeReconnected(),
      });
      return this.#d.hub.send(report);
    });

    const directive = await this.#d.hub.takeDirective(sequence, this.#d.settings.directiveWaitMs);
    if (directive) {
      summary.directive = true;
      this.#directive = directive;
      view = viewOf(); // the directive may name pods tracked only through it
      if (snapshot.allocatable) {
        const allocatable = snapshot.allocatable;
        await metrics.time('arbitrate', () => this.#arbitrate(directive, view, allocatable));
      } else {
        this.#log.warn(
          { node: this.#d.nodeName },
          'node allocatable unknown; directive not applied this tick',
        );
      }
    }

    const fresh = await metrics.time('resize', () => this.#resizeAll(view.tracked, usage, summary));

    const caps = await metrics.time('read_back', () => this.#caps(view.tracked, fresh));
    const reasons = new Map<string, number>();
    for (const cap of caps.values()) reasons.set(cap.reason, (reasons.get(cap.reason) ?? 0) + 1);
    metrics.cappedPods.reset();
    for (const [reason, n] of reasons) metrics.cappedPods.set({ reason }, n);

    summary.statusWrites = await metrics.time('status_write', () =>
      this.#statuses.publish(rotated(view.tracked, this.#writeCursor), {
        fresh,
        caps,
        lastResizeTime: this.#lastResizeTime,
        nowIso: new Date(this.#now()).toISOString(),
        hubMetrics: hubMetricsOf(this.#directive),
        metrics: metricsHealth,
      }),
    );
    this.#forgetGone(view.tracked);
    this.#trackedCount = view.tracked.length;

    this.#lastTickStartMs = startedAt;
    this.#lastTickAtMs = this.#now();
    this.#lastTickMs = this.#lastTickAtMs - startedAt;
    metrics.ticks.inc({ outcome: 'ok' });
    return summary;
  }

  async #sampleUsage(tracked: readonly TrackedPod[], nowMs: number): Promise<Map<string, PodUsage>> {
    const out = new Map<string, PodUsage>();
    const targets = tracked.map((p) => ({
      key: p.uid,
      uid: p.uid,
      qosClass: p.qosClass,
      ...(p.health.containerId ? { containerId: p.health.containerId } : {}),
    }));
    for (const r of await this.#d.usageReader.sample(targets, nowMs)) {
      if (r.status === 'ok') {
        out.set(r.key, {
          valid: true,
          cpuUsageMilli: r.usage.cpuUsageMilli,
          cpuThrottledRatio: r.usage.throttledRatio,
          ...(r.usage.memoryWorkingSetBytes !== undefined
            ? { memoryWorkingSetBytes: r.usage.memoryWorkingSetBytes }
            : {}),
          ...(r.usage.psiSomeAvg10 !== undefined ? { cpuPressureSomeAvg10: r.usage.psiSomeAvg10 } : {}),
        });
      } else if (r.status === 'priming') {
        out.set(r.key, {
          valid: false,
          ...(r.memoryWorkingSetBytes !== undefined
            ? { memoryWorkingSetBytes: r.memoryWorkingSetBytes }
            : {}),
        });
      } else {
        out.set(r.key, { valid: false });
      }
    }
    return out;
  }

  async #scrape(tracked: readonly TrackedPod[], nowMs: number): Promise<Map<string, ResponseTimeWindow>> {
    const scraper = this.#d.scraper;
    if (!scraper) return new Map();
    const targets = tracked.flatMap((p) =>
      p.scrape && p.podIp ? [{ key: p.uid, podIp: p.podIp, source: p.scrape }] : [],
    );
    return targets.length > 0 ? scraper.scrape(targets, nowMs) : new Map();
  }

  /** Per scraped pod uid, what the scraper knows of its metrics endpoint. */
  #metricsHealth(tracked: readonly TrackedPod[]): Map<string, MetricsHealth> {
    const out = new Map<string, MetricsHealth>();
    const health = this.#d.scraper?.health?.bind(this.#d.scraper);
    if (!health) return out;
    for (const p of tracked) {
      const h = p.scrape ? health(p.uid) : undefined;
      if (h) out.set(p.uid, h);
    }
    return out;
  }

  #arbitrate(directive: NodeDirective__Output, view: NodeView, allocatable: Allocation): GrantPlan {
    const plan = planGrants({
      directive,
      tracked: view.tracked,
      allocatable,
      untrackedRequests: view.untrackedRequests,
      reserve: this.#d.settings.reserve,
    });
    this.#grants = new Map(plan.grants.map((g) => [g.uid, g]));
    const terms = {
      policy: plan.policy,
      capacity: plan.capacity,
      allocatable,
      untracked: plan.untrackedRequests,
      reserve: plan.reserve,
      held: plan.heldRequests,
    };
    // Logged when the decision changes (policy, capacity, whether it fits; per pod its grant), with
    // the inputs that made it: inputs that move without changing a grant (the hub's desired and
    // essential under no contention, free room) are not a new decision.
    this.#logOnce(
      'node',
      { ...terms, cpu: plan.terms.cpu, memory: plan.terms.memory, unknownPods: plan.unknownPods },
      (f) => this.#log.info(f, 'node arbitration'),
      [plan.policy, plan.capacity, plan.terms.cpu.fits, plan.terms.memory.fits, plan.unknownPods],
    );
    for (const g of plan.grants) {
      this.#logOnce(
        `arbitration/${g.uid}`,
        {
          pod: g.pod,
          desired: g.desired,
          essential: g.essential,
          granted: g.granted,
          reason: g.reason,
          recommendOnly: g.recommendOnly,
          capacity: plan.capacity,
          policy: plan.policy,
        },
        (f) => this.#log.info(f, 'arbitrated'),
        [g.granted, g.reason, g.recommendOnly, plan.policy],
      );
    }
    return plan;
  }

  #apiWaitMs(): number {
    return this.#d.settings.apiWaitMs ?? this.#d.settings.tickMs / 5;
  }

  /**
   * Patches the pods whose spec is away from their grant, each pod's request on its own (a hung
   * one holds only its pod, which is skipped until it ends); waits apiWaitMs for them and returns
   * the pods the API server answered with by then.
   */
  async #resizeAll(
    tracked: readonly TrackedPod[],
    usage: ReadonlyMap<string, PodUsage>,
    summary: TickSummary,
  ): Promise<Map<string, ResizeStatus>> {
    const fresh = new Map<string, ResizeStatus>();
    this.#writeCursor++;
    const started: Array<Promise<void> | undefined> = [];
    for (const pod of rotated(tracked, this.#writeCursor)) {
      const grant = this.#grants.get(pod.uid);
      if (!grant) continue;
      const run = this.#apiWork.submit(`resize/${pod.uid}`, async () => {
        try {
          const outcome = await this.#resizeOne(pod, grant, usage.get(pod.uid), fresh);
          if (outcome) {
            this.#d.metrics.resizeRequests.inc({ outcome });
            summary.resizes.push({ pod: key(pod), outcome });
          }
        } catch (err) {
          this.#d.metrics.resizeRequests.inc({ outcome: 'error' });
          summary.resizes.push({ pod: key(pod), outcome: 'error' });
          this.#log.error({ err, pod: key(pod) }, 'resize step failed for pod');
        }
      });
      if (!run) {
        this.#d.metrics.resizeRequests.inc({ outcome: 'in_flight' });
        summary.resizes.push({ pod: key(pod), outcome: 'in_flight' });
      }
      started.push(run);
    }
    await settleWithin(started, this.#apiWaitMs());
    return new Map(fresh);
  }

  async #resizeOne(
    pod: TrackedPod,
    grant: PodGrant,
    usage: PodUsage | undefined,
    fresh: Map<string, ResizeStatus>,
  ): Promise<ResizeOutcome | undefined> {
    const podKey = key(pod);
    if (grant.recommendOnly) {
      this.#logOnce(
        `resize/${pod.uid}`,
        { pod: podKey, desired: grant.desired, outcome: 'recommend_only' },
        (f) => this.#log.info(f, 'resize skipped: SLA mode Recommend'),
      );
      return undefined;
    }
    const plan = planResize({
      container: pod.container,
      qosClass: pod.qosClass,
      current: pod.spec,
      target: grant.granted,
      memoryUsageBytes: usage?.memoryWorkingSetBytes,
      deadband: this.#d.settings.deadband,
      memoryLimitDecrease: this.#memoryLimitDecrease,
    });
    if (plan.memoryCapped)
      this.#memoryHeld.set(
        pod.uid,
        plan.kind === 'patch' ? plan.requested.memoryBytes : (pod.spec.memoryRequestBytes ?? 0),
      );
    else this.#memoryHeld.delete(pod.uid);
    if (plan.kind === 'skip') {
      if (plan.reason !== 'unchanged') {
        this.#logOnce(
          `resize/${pod.uid}`,
          {
            pod: podKey,
            desired: grant.desired,
            granted: grant.granted,
            current: pod.spec,
            qos: pod.qosClass,
            outcome: plan.reason,
          },
          (f) => this.#log.info(f, 'resize skipped'),
        );
      }
      return plan.reason === 'best-effort'
        ? 'best_effort'
        : plan.reason === 'deadband'
          ? 'deadband'
          : undefined;
    }
    const nowMs = this.#now();
    const failed = this.#failed.get(pod.uid);
    if (failed && nowMs < failed.retryAtMs) return 'backoff';
    if (!this.#d.limiter.tryTake()) return 'throttled';
    const fields = {
      pod: podKey,
      container: pod.container,
      qos: pod.qosClass,
      desired: grant.desired,
      granted: grant.granted,
      requested: plan.requested,
      current: pod.spec,
      reason: grant.reason,
      memoryUsageBytes: usage?.memoryWorkingSetBytes,
    };
    const result = await this.#d.resizer.resize(pod.namespace, pod.name, plan.body);
    if (result.ok) {
      this.#failed.delete(pod.uid);
      this.#lastResizeTime.set(pod.uid, new Date(nowMs).toISOString());
      fresh.set(pod.uid, resizeStatusOf(result.pod));
      this.#log.info(fields, 'resize requested');
      return 'applied';
    }
    if (result.failure === 'not-found') {
      this.#grants.delete(pod.uid);
      this.#log.info({ ...fields, message: result.message }, 'resize target gone; dropped');
      return 'not_found';
    }
    if (
      result.failure === 'rejected' &&
      isMemoryDecreaseRejection(result.message) &&
      this.#memoryLimitDecrease === 'allowed'
    ) {
      this.#memoryLimitDecrease = 'forbidden';
      this.#log.warn(
        { ...fields, message: result.message },
        'server refuses memory limit decreases; no longer attempting them',
      );
      return 'rejected';
    }
    const failures = (failed?.failures ?? 0) + 1;
    const { initial, max } = this.#d.settings.resizeRetryMs;
    const backoffMs = result.failure === 'conflict' ? 0 : Math.min(max, initial * 2 ** (failures - 1));
    // A 429's Retry-After is a floor: the pod is not patched again before it passed.
    const delayMs = Math.max(backoffMs, result.retryAfterMs ?? 0);
    this.#failed.set(pod.uid, { failures, retryAtMs: this.#now() + delayMs });
    this.#log.warn(
      { ...fields, status: result.status, message: result.message, retryInMs: delayMs },
      'resize request failed',
    );
    return result.failure === 'conflict'
      ? 'conflict'
      : result.failure === 'rejected'
        ? 'rejected'
        : result.failure === 'throttled'
          ? 'throttled'
          : 'error';
  }

  #caps(tracked: readonly TrackedPod[], fresh: ReadonlyMap<string, ResizeStatus>): Map<string, CapState> {
    const caps = new Map<string, CapState>();
    for (const pod of tracked) {
      const grant = this.#grants.get(pod.uid);
      const cap = decideCap({
        desired: grant?.desired,
        granted: grant?.granted,
        grantReason: grant?.reason ?? 'None',
        memoryHeldBytes: this.#memoryHeld.get(pod.uid),
        resize: fresh.get(pod.uid) ?? pod.resize,
        enacted: pod.enacted,
      });
      if (cap) caps.set(pod.uid, cap);
    }
    return caps;
  }

  /** Drops per-pod memory of pods that left the node. */
  #forgetGone(tracked: readonly TrackedPod[]): void {
    const uids = new Set(tracked.map((p) => p.uid));
    for (const map of [this.#grants, this.#memoryHeld, this.#failed, this.#lastResizeTime]) {
      for (const uid of map.keys()) if (!uids.has(uid)) map.delete(uid);
    }
    this.#statuses.forgetGone(tracked);
    this.#metricsEpisodes.retain(uids);
    for (const id of this.#decisionLog.keys()) {
      const uid = id.slice(id.indexOf('/') + 1);
      if (id !== 'node' && !uids.has(uid)) this.#decisionLog.delete(id);
    }
  }

  /**
   * Logs a decision with its fields only when `decision` (default: all the fields) differs from the
   * last time it was logged under `id`.
   */
  #logOnce(
    id: string,
    fields: Record<string, unknown>,
    emit: (fields: Record<string, unknown>) => void,
    decision: unknown = fields,
  ): void {
    const text = JSON.stringify(decision);
    if (this.#decisionLog.get(id) === text) return;
    this.#decisionLog.set(id, text);
    emit(fields);
  }
}

/** The list starting at `offset` (mod its length) and wrapping around. */
export function rotated<T>(list: readonly T[], offset: number): T[] {
  if (list.length === 0) return [];
  const k = offset % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** What the hub says about the response time it reads itself (SLA metrics.prometheus), by pod uid. */
function hubMetricsOf(
  directive: NodeDirective__Output | undefined,
): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  for (const p of directive?.pods ?? []) {
    if (p.hubSourcedMetrics) {
      out.set(p.uid, { reason: p.metricsFailureReason, message: p.metricsFailureMessage });
    }
  }
  return out;
}
