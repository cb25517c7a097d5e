// The tick's observe step: the node's pods (and which of them kosmos tracks), their cgroups and
// their metrics endpoints, read through the agent's edges; a failing endpoint is announced as an Event.
import type { ResponseTimeWindow } from '../../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';
import type { MetricsEpisodes } from '../actuator/metrics-events.ts';
import type { MetricsHealth, MetricsScraper, UsageReader } from '../edges.ts';
import type { AgentMetrics } from '../health/agent-metrics.ts';
import { type DirectedPod, type NodeView, NodeViewCache, type TrackedPod } from '../pods/node-view.ts';
import type { PodSnapshot, PodSource } from '../pods/pod-source.ts';
import { type PodUsage, podUsageOf } from './node-report.ts';

/** What a tick saw before planning. */
export interface Observed {
  startedAt: number;
  snapshot: PodSnapshot;
  view: NodeView;
  usage: Map<string, PodUsage>;
  responseTimes: Map<string, ResponseTimeWindow>;
  metricsHealth: Map<string, MetricsHealth>;
}

export interface NodeObserverDeps {
  podSource: PodSource;
  usageReader: UsageReader;
  scraper?: MetricsScraper;
  metricsEpisodes: MetricsEpisodes;
  metrics: AgentMetrics;
}

export class NodeObserver {
  readonly #d: NodeObserverDeps;
  readonly #views = new NodeViewCache();

  constructor(deps: NodeObserverDeps) {
    this.#d = deps;
  }

  /** Reads the node at `startedAt`; `directed` are the pods the hub's last directive names. */
  async observe(startedAt: number, directed: readonly DirectedPod[]): Promise<Observed> {
    const { metrics } = this.#d;
    const snapshot = await metrics.time('read_pods', () => this.#d.podSource.snapshot());
    const view = this.viewOf(snapshot, directed);
    metrics.trackedPods.set(view.tracked.length);
    const usage = await metrics.time('cgroup_read', async () =>
      podUsageOf(await this.#d.usageReader.sample(usageTargets(view.tracked), startedAt)),
    );
    const responseTimes = await metrics.time('scrape', () => this.#scrape(view.tracked, startedAt));
    const metricsHealth = this.#metricsHealth(view.tracked);
    this.#d.metricsEpisodes.publish(view.tracked, metricsHealth);
    return { startedAt, snapshot, view, usage, responseTimes, metricsHealth };
  }

  /** The node view of a snapshot, with the pods a directive tracks (rebuilt only where they changed). */
  viewOf(snapshot: PodSnapshot, directed: readonly DirectedPod[]): NodeView {
    return this.#views.build({
      pods: snapshot.pods,
      podScales: snapshot.podScales,
      directed,
      sla: snapshot.sla,
    });
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
}

function usageTargets(tracked: readonly TrackedPod[]) {
  return tracked.map((p) => ({
    key: p.uid,
    uid: p.uid,
    qosClass: p.qosClass,
    ...(p.health.containerId ? { containerId: p.health.containerId } : {}),
  }));
}
