// The agent's control loop: one runOnce() per tick — observe (pods, cgroups, scrapes) → plan
// (report to the hub, take its directive, the node step) → enact (resizes) → publish (read back,
// PodScale status) — each step timed; a per-pod failure is logged and the tick goes on.
import { DecisionLog } from '../../lib/decision-log.ts';
import { KeyedWork } from '../../lib/keyed-work.ts';
import type { Logger } from '../../lib/log.ts';
import type { NodeDirective__Output } from '../../proto/gen/kosmos/v1/NodeDirective.ts';
import { MetricsEpisodes, type PodEventWriter } from './actuator/metrics-events.ts';
import { NodeActuator } from './actuator/node-actuator.ts';
import type { PodResizeStep } from './actuator/node-step.ts';
import type { PodScaleStatusWriter } from './actuator/podscale-status.ts';
import type { EnactedResize } from './actuator/resize-executor.ts';
import type { Deadband, MemoryLimitDecrease } from './actuator/resize-plan.ts';
import type { Resizer } from './actuator/resizer.ts';
import {
  DEFAULT_PODSCALE_STATUS_POLICY,
  hubMetricsOf,
  StatusPublisher,
} from './actuator/status-publisher.ts';
import { rotated } from './actuator/write-order.ts';
import type { MetricsScraper, UsageReader, WriteLimiter } from './edges.ts';
import type { AgentMetrics } from './health/agent-metrics.ts';
import type { HealthReport } from './health/health-server.ts';
import type { HubLink } from './hublink/hub-link.ts';
import type { DirectedPod, TrackedPod } from './pods/node-view.ts';
import type { Allocation, ResizeStatus } from './pods/pod-resources.ts';
import type { PodSource } from './pods/pod-source.ts';
import { NodeObserver, type Observed } from './report/node-observer.ts';
import { buildNodeReport } from './report/node-report.ts';
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
  /** Least time between two PodScale status writes that change no condition's state (default 60 s). */
  statusMinIntervalMs?: number;
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
  resizes: EnactedResize[];
  statusWrites: number;
}

export class Agent {
  readonly #d: AgentDeps;
  readonly #now: () => number;
  readonly #log: Logger;
  #sequence = 0;
  #directive: NodeDirective__Output | undefined;
  readonly #actuator: NodeActuator;
  readonly #statuses: StatusPublisher;
  readonly #metricsEpisodes: MetricsEpisodes;
  readonly #observer: NodeObserver;
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
    const { settings } = deps;
    const waitMs = settings.apiWaitMs ?? settings.tickMs / 5;
    /** Resize requests and status writes, one per pod at a time, off the tick's critical path. */
    const work = new KeyedWork({ limit: 8, log: deps.log });
    this.#actuator = new NodeActuator({
      nodeName: deps.nodeName,
      settings: {
        ...settings,
        resizeBackoff: { initialMs: settings.resizeRetryMs.initial, maxMs: settings.resizeRetryMs.max },
        waitMs,
      },
      resizer: deps.resizer,
      limiter: deps.limiter,
      metrics: deps.metrics,
      log: deps.log,
      decisions: new DecisionLog(),
      work,
      now: this.#now,
    });
    this.#statuses = new StatusPublisher({
      writer: deps.statusWriter,
      limiter: deps.limiter,
      metrics: deps.metrics,
      log: deps.log,
      work,
      waitMs,
      ...(settings.statusMinIntervalMs === undefined
        ? {}
        : { policy: { ...DEFAULT_PODSCALE_STATUS_POLICY, minIntervalMs: settings.statusMinIntervalMs } }),
    });
    this.#metricsEpisodes = new MetricsEpisodes({
      writer: deps.events,
      limiter: deps.limiter,
      metrics: deps.metrics,
      log: deps.log,
    });
    this.#observer = new NodeObserver({ ...deps, metricsEpisodes: this.#metricsEpisodes });
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
        memoryLimitDecrease: this.#actuator.memoryLimitDecrease,
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
    const observed = await metrics.time('observe', () => this.#observer.observe(startedAt, this.#directed()));
    summary.tracked = observed.view.tracked.length;
    const steps = await metrics.time('plan', () => this.#plan(sequence, observed, summary));
    const fresh = await metrics.time('enact', () => this.#actuator.enact(steps, summary.resizes));
    summary.statusWrites = await metrics.time('publish', () => this.#publish(observed, fresh));

    this.#forgetGone(observed.view.tracked);
    this.#trackedCount = observed.view.tracked.length;
    this.#lastTickStartMs = startedAt;
    this.#lastTickAtMs = this.#now();
    this.#lastTickMs = this.#lastTickAtMs - startedAt;
    metrics.ticks.inc({ outcome: 'ok' });
    return summary;
  }

  /**
   * Reports to the hub and takes its answer; on a new directive, runs the node step (grants and
   * resizes), otherwise plans resizes toward the grants in force. Returns the resize decisions.
   */
  async #plan(sequence: number, observed: Observed, summary: TickSummary): Promise<PodResizeStep[]> {
    const { metrics } = this.#d;
    const { snapshot, startedAt } = observed;
    summary.reportSent = await metrics.time('report', () =>
      this.#d.hub.send(
        buildNodeReport({
          nodeName: this.#d.nodeName,
          sequence,
          agentVersion: this.#d.agentVersion,
          allocatable: snapshot.allocatable,
          untrackedRequests: observed.view.untrackedRequests,
          pods: observed.view.tracked,
          usage: observed.usage,
          responseTimes: observed.responseTimes,
          caps: this.#actuator.caps(observed.view.tracked, new Map()),
          timestampMs: startedAt,
          // start to start: informational, the hub takes rates from each pod's own scrape window
          windowSeconds: this.#lastTickStartMs === undefined ? 0 : (startedAt - this.#lastTickStartMs) / 1000,
          hubWasUnreachable: this.#d.hub.takeReconnected(),
        }),
      ),
    );
    const directive = await this.#d.hub.takeDirective(sequence, this.#d.settings.directiveWaitMs);
    if (directive) {
      summary.directive = true;
      this.#directive = directive;
      observed.view = this.#observer.viewOf(snapshot, this.#directed()); // the directive may name pods tracked only through it
    }
    const { view } = observed;
    return metrics.time('arbitrate', () =>
      this.#actuator.plan({
        directive,
        view,
        allocatable: snapshot.allocatable,
        memoryUsageBytes: new Map(
          view.tracked.map((p) => [p.uid, observed.usage.get(p.uid)?.memoryWorkingSetBytes]),
        ),
        order: rotated(view.tracked, ++this.#writeCursor),
      }),
    );
  }

  /** Caps read back, then the PodScale statuses; returns the status writes made. */
  async #publish(observed: Observed, fresh: ReadonlyMap<string, ResizeStatus>): Promise<number> {
    const { metrics } = this.#d;
    const { tracked } = observed.view;
    const caps = await metrics.time('read_back', () => this.#actuator.caps(tracked, fresh));
    metrics.setCapped(caps.values());
    const nowMs = this.#now();
    return metrics.time('status_write', () =>
      this.#statuses.publish(rotated(tracked, this.#writeCursor), {
        fresh,
        caps,
        lastResizeTime: this.#actuator.lastResizeTime,
        nowIso: new Date(nowMs).toISOString(),
        nowMs,
        hubMetrics: hubMetricsOf(this.#directive),
        metrics: observed.metricsHealth,
      }),
    );
  }

  #directed(): DirectedPod[] {
    return (this.#directive?.pods ?? []).map((p) => ({ uid: p.uid, container: p.container, sla: p.sla }));
  }

  /** Drops per-pod memory of pods that left the node. */
  #forgetGone(tracked: readonly TrackedPod[]): void {
    const uids = new Set(tracked.map((p) => p.uid));
    this.#actuator.retain(uids);
    this.#statuses.forgetGone(tracked);
    this.#metricsEpisodes.retain(uids);
  }
}
