// The agent's PodScale status step: builds each tracked pod's status and writes it through the
// status gate (lib/status-write-gate.ts) within the shared write budget: nothing when unchanged; a
// condition changing state (capped, infeasible, metrics lost) at once; quantities (actual, capped),
// messages and the transient ResizeInProgress at most once per minIntervalMs — a pod's live size is
// its own status, the PodScale carries its summary — so a steady pod costs no write per tick.
import type { Condition, PodScaleStatus } from '../../../lib/api/types.ts';
import { type KeyedWork, settleWithin } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
import {
  afterWrite,
  conditionStates,
  decideWrite,
  type StatusWritePolicy,
  type StatusWriteTimes,
} from '../../../lib/status-write-gate.ts';
import type { NodeDirective__Output } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { MetricsHealth, WriteLimiter } from '../edges.ts';
import type { AgentMetrics } from '../health/agent-metrics.ts';
import type { TrackedPod } from '../pods/node-view.ts';
import type { ResizeStatus } from '../pods/pod-resources.ts';
import type { CapState } from './cap-state.ts';
import { buildPodScaleStatus, type PodScaleStatusWriter, sameStatus } from './podscale-status.ts';

export interface StatusTick {
  fresh: ReadonlyMap<string, ResizeStatus>;
  caps: ReadonlyMap<string, CapState>;
  lastResizeTime: ReadonlyMap<string, string>;
  nowIso: string;
  nowMs: number;
  /** By pod uid, for pods whose response time the hub reads: what it says about it (the directive's). */
  hubMetrics?: ReadonlyMap<string, { reason: string; message: string }>;
  /** Per pod uid, its metrics endpoint's health (pods the agent scrapes). */
  metrics?: ReadonlyMap<string, MetricsHealth>;
}

export const DEFAULT_PODSCALE_STATUS_POLICY: StatusWritePolicy = {
  minIntervalMs: 60_000,
  conditionRefillMs: 10_000,
  conditionCoalesceMs: 1000,
  conditionBurst: 10,
};

/**
 * Condition states a transition goes out at once for: Enacted's ResizeInProgress is the kubelet
 * working on a resize the agent just asked for (done within a tick or two), not news to an operator,
 * so it counts as the state it left (the written status's Enacted, `before`).
 */
const urgentStates = (cs: readonly Condition[] | undefined, before: readonly Condition[] | undefined) =>
  conditionStates(
    (cs ?? []).map((c) =>
      c.type === 'Enacted' && c.reason === 'ResizeInProgress'
        ? (before?.find((b) => b.type === 'Enacted') ?? c)
        : c,
    ),
  );

export class StatusPublisher {
  readonly #writer: PodScaleStatusWriter;
  readonly #limiter: WriteLimiter;
  readonly #metrics: AgentMetrics;
  readonly #log: Logger;
  readonly #work: KeyedWork;
  readonly #waitMs: number;
  /** Last status written per `namespace/podScaleName`. */
  readonly #written = new Map<string, PodScaleStatus>();
  /** When each PodScale's status was written (the gate's memory), by `namespace/podScaleName`. */
  readonly #times = new Map<string, StatusWriteTimes>();
  readonly #policy: StatusWritePolicy;

  constructor(deps: {
    writer: PodScaleStatusWriter;
    limiter: WriteLimiter;
    metrics: AgentMetrics;
    log: Logger;
    /** Where the writes run: one per PodScale at a time, each under its own API deadline. */
    work: KeyedWork;
    /** How long publish() waits for its writes before returning. */
    waitMs: number;
    /** When a changed status goes out (default: figures once a minute, condition changes at once). */
    policy?: StatusWritePolicy;
  }) {
    this.#policy = deps.policy ?? DEFAULT_PODSCALE_STATUS_POLICY;
    this.#writer = deps.writer;
    this.#limiter = deps.limiter;
    this.#metrics = deps.metrics;
    this.#log = deps.log;
    this.#work = deps.work;
    this.#waitMs = deps.waitMs;
  }

  /**
   * Starts the writes of the changed statuses of `pods`, in that order, waits for them at most
   * waitMs and returns how many were written by then; a PodScale whose last write is still running
   * is skipped this time.
   */
  async publish(pods: readonly TrackedPod[], tick: StatusTick): Promise<number> {
    let writes = 0;
    const started: Array<Promise<void> | undefined> = [];
    for (const pod of pods) {
      if (!pod.podScaleName) continue;
      const name = `${pod.namespace}/${pod.podScaleName}`;
      const prev = this.#written.get(name) ?? pod.podScaleStatus;
      const next = buildPodScaleStatus(prev, {
        enacted: pod.enacted,
        cap: tick.caps.get(pod.uid),
        resize: tick.fresh.get(pod.uid) ?? pod.resize,
        lastResizeTime: tick.lastResizeTime.get(pod.uid),
        nowIso: tick.nowIso,
        ...(tick.hubMetrics?.has(pod.uid) ? { hubMetrics: tick.hubMetrics.get(pod.uid) } : {}),
        metrics: tick.metrics?.get(pod.uid),
      });
      const times = this.#times.get(name) ?? {};
      const changed = !sameStatus(prev, next);
      const decision = decideWrite(
        {
          first: prev === undefined,
          changed,
          // the condition states are compared only for a status that changed (not on every tick)
          conditionChange:
            changed &&
            prev !== undefined &&
            conditionStates(prev.conditions) !== urgentStates(next.conditions, prev.conditions),
        },
        times,
        tick.nowMs,
        this.#policy,
      );
      if (!decision.write) {
        this.#metrics.statusWrites.inc({ outcome: decision.why });
        continue;
      }
      const workKey = `status/${name}`;
      if (this.#work.busy(workKey)) {
        this.#metrics.statusWrites.inc({ outcome: 'in_flight' });
        continue;
      }
      if (!this.#limiter.tryTake()) {
        this.#metrics.statusWrites.inc({ outcome: 'throttled' });
        continue;
      }
      this.#times.set(name, afterWrite(times, decision, tick.nowMs, this.#policy));
      const podKey = `${pod.namespace}/${pod.name}`;
      const podScale = pod.podScaleName;
      started.push(
        this.#work.submit(workKey, async () => {
          try {
            await this.#writer.write(pod.namespace, podScale, next);
            this.#written.set(name, next);
            writes++;
            this.#metrics.statusWrites.inc({ outcome: 'written' });
            this.#log.debug({ pod: podKey, podScale, status: next }, 'PodScale status written');
          } catch (err) {
            this.#metrics.statusWrites.inc({ outcome: 'error' });
            this.#log.warn({ err, pod: podKey, podScale }, 'PodScale status write failed');
          }
        }),
      );
    }
    await settleWithin(started, this.#waitMs);
    return writes;
  }

  /** Drops what was written for PodScales no tracked pod names any more. */
  forgetGone(tracked: readonly TrackedPod[]): void {
    const scales = new Set(tracked.map((p) => `${p.namespace}/${p.podScaleName}`));
    for (const name of this.#written.keys()) if (!scales.has(name)) this.#written.delete(name);
    for (const name of this.#times.keys()) if (!scales.has(name)) this.#times.delete(name);
  }
}

/** What the hub says about the response time it reads itself (SLA metrics.prometheus), by pod uid. */
export function hubMetricsOf(
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
