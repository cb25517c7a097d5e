// The agent's PodScale status step: builds each tracked pod's status, writes only what changed
// (within the shared write budget), and remembers what it wrote so an unchanged tick writes nothing.
import type { PodScaleStatus } from '../../../lib/api/types.ts';
import { type KeyedWork, settleWithin } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
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
  /** By pod uid, for pods whose response time the hub reads: what it says about it (the directive's). */
  hubMetrics?: ReadonlyMap<string, { reason: string; message: string }>;
  /** Per pod uid, its metrics endpoint's health (pods the agent scrapes). */
  metrics?: ReadonlyMap<string, MetricsHealth>;
}

export class StatusPublisher {
  readonly #writer: PodScaleStatusWriter;
  readonly #limiter: WriteLimiter;
  readonly #metrics: AgentMetrics;
  readonly #log: Logger;
  readonly #work: KeyedWork;
  readonly #waitMs: number;
  /** Last status written per `namespace/podScaleName`. */
  readonly #written = new Map<string, PodScaleStatus>();

  constructor(deps: {
    writer: PodScaleStatusWriter;
    limiter: WriteLimiter;
    metrics: AgentMetrics;
    log: Logger;
    /** Where the writes run: one per PodScale at a time, each under its own API deadline. */
    work: KeyedWork;
    /** How long publish() waits for its writes before returning. */
    waitMs: number;
  }) {
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
      if (sameStatus(prev, next)) {
        this.#metrics.statusWrites.inc({ outcome: 'unchanged' });
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
