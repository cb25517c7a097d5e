// A pod whose metrics endpoint fails is made visible once per failure episode (from its first failed
// scrape until one succeeds): a warning in the log and a Warning Event on the Pod; the end of the
// episode is logged too. Events go out within the agent's write budget and beside the tick (never
// awaited by it); one that could not be written is tried again on the next tick.
import type * as k8s from '@kubernetes/client-node';
import { V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from '../../../lib/log.ts';
import type { MetricsHealth, WriteLimiter } from '../edges.ts';
import type { AgentMetrics } from '../health/agent-metrics.ts';
import type { TrackedPod } from '../pods/node-view.ts';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

/** Creates Events about pods (events.k8s.io/v1). */
export interface PodEventWriter {
  podEvent(pod: PodRef, type: 'Normal' | 'Warning', reason: string, note: string): Promise<void>;
}

export class KubePodEventWriter implements PodEventWriter {
  readonly #events: k8s.EventsV1Api;
  readonly #node: string;
  constructor(events: k8s.EventsV1Api, node: string) {
    this.#events = events;
    this.#node = node;
  }

  async podEvent(pod: PodRef, type: 'Normal' | 'Warning', reason: string, note: string): Promise<void> {
    await this.#events.createNamespacedEvent({
      namespace: pod.namespace,
      body: {
        metadata: { generateName: `${pod.name}.`, namespace: pod.namespace },
        eventTime: new V1MicroTime(),
        reportingController: 'autoscaling.kosmos.dev/agent',
        reportingInstance: this.#node,
        action: 'ScrapeMetrics',
        type,
        reason,
        note: note.slice(0, 1024),
        regarding: { apiVersion: 'v1', kind: 'Pod', ...pod },
      },
    });
  }
}

export interface MetricsEpisodesDeps {
  writer: PodEventWriter | undefined;
  limiter: WriteLimiter;
  metrics: AgentMetrics;
  log: Logger;
}

export class MetricsEpisodes {
  readonly #d: MetricsEpisodesDeps;
  /** Per pod uid: the start of the failure episode logged, and the one whose Event is written or on its way. */
  readonly #logged = new Map<string, number>();
  readonly #announced = new Map<string, number>();

  constructor(deps: MetricsEpisodesDeps) {
    this.#d = deps;
  }

  /** Logs and announces the episodes of `pods` that started or ended; returns at once. */
  publish(pods: readonly TrackedPod[], health: ReadonlyMap<string, MetricsHealth>): void {
    for (const pod of pods) {
      const h = health.get(pod.uid);
      const podKey = `${pod.namespace}/${pod.name}`;
      if (h?.state === 'failing') {
        if (this.#logged.get(pod.uid) !== h.sinceMs) {
          this.#logged.set(pod.uid, h.sinceMs);
          this.#d.log.warn(
            { pod: podKey, reason: h.reason, message: h.message },
            'pod metrics endpoint failing: its last good sample ages and the hub holds its allocation',
          );
        }
        if (this.#announced.get(pod.uid) !== h.sinceMs) this.#announce(pod, h);
      } else if (h?.state === 'answering' && this.#logged.has(pod.uid)) {
        this.#logged.delete(pod.uid);
        this.#announced.delete(pod.uid);
        this.#d.log.info({ pod: podKey }, 'pod metrics endpoint answers again');
      }
    }
  }

  #announce(pod: TrackedPod, h: Extract<MetricsHealth, { state: 'failing' }>): void {
    const writer = this.#d.writer;
    if (!writer || !this.#d.limiter.tryTake()) return;
    this.#announced.set(pod.uid, h.sinceMs);
    const note =
      `response-time metrics of container ${pod.container} cannot be read: ${h.message}. ` +
      'kosmos holds the pod’s allocation until they can (PodScale condition MetricsAvailable).';
    writer
      .podEvent({ namespace: pod.namespace, name: pod.name, uid: pod.uid }, 'Warning', h.reason, note)
      .then(
        () => this.#d.metrics.podEvents.inc({ reason: h.reason, outcome: 'written' }),
        (err: unknown) => {
          // tried again on the next tick, unless the episode ended meanwhile
          if (this.#announced.get(pod.uid) === h.sinceMs) this.#announced.delete(pod.uid);
          this.#d.metrics.podEvents.inc({ reason: h.reason, outcome: 'error' });
          this.#d.log.warn({ err, pod: `${pod.namespace}/${pod.name}` }, 'metrics Event not written');
        },
      );
  }

  /** Drops what is known of pods no longer tracked. */
  retain(uids: ReadonlySet<string>): void {
    for (const map of [this.#logged, this.#announced])
      for (const uid of map.keys()) if (!uids.has(uid)) map.delete(uid);
  }
}
