// Turns the engine's per-window accumulators into the Observation a controller sees, then resets them.

import { DEFAULT_RT_BUCKETS_SECONDS, histogramQuantile } from '../model/histogram.ts';
import { RtMixture, type RtSummary } from '../model/rt-distribution.ts';
import { allocatedOn, resetWindow, type SimNode, type SimPod } from './cluster.ts';
import type {
  NodeObservation,
  Observation,
  PodObservation,
  RtStats,
  ServiceObservation,
  WindowHistogram,
} from './controller.ts';
import type { SimService } from './sim-service.ts';

/**
 * Percentiles cost a root-find over the window's components: computed on first read of `rt` (from
 * a mixture the engine no longer touches), so controllers that never read them pay nothing.
 */
function withLazyRt<T extends object>(
  target: T,
  mixture: RtMixture,
  measurement: 'exact' | 'histogram' = 'exact',
): T & { rt: RtStats | null } {
  let cached: RtStats | null | undefined;
  Object.defineProperty(target, 'rt', {
    enumerable: true,
    get: () => {
      if (cached === undefined) cached = measurement === 'histogram' ? bucketed(mixture) : mixture.summary();
      return cached;
    },
  });
  return target as T & { rt: RtStats | null };
}

/**
 * The window's statistics as an agent reads them from a pod's Prometheus histogram: the mean from
 * _sum/_count (exact), quantiles by histogram_quantile over whole counts in the default buckets.
 */
export function bucketed(mixture: RtMixture): RtSummary | null {
  const h = windowHistogram(mixture);
  if (!h) return null;
  // Rounded, not floored: flooring each bucket apart moves up to one request per bucket into a slower one.
  const buckets = h.buckets.map((b) => ({ le: b.le, count: Math.round(b.count) }));
  if (buckets.at(-1)!.count <= 0) return null;
  return {
    count: h.count,
    meanSeconds: mixture.mean(),
    p50Seconds: histogramQuantile(0.5, buckets),
    p90Seconds: histogramQuantile(0.9, buckets),
    p95Seconds: histogramQuantile(0.95, buckets),
    p99Seconds: histogramQuantile(0.99, buckets),
  };
}

/** The window's completions as the pod's Prometheus histogram counts them (expected counts per bucket). */
function windowHistogram(mixture: RtMixture): WindowHistogram | null {
  const count = mixture.count;
  if (!(count > 0)) return null;
  const buckets = DEFAULT_RT_BUCKETS_SECONDS.map((le) => ({ le, count: count * mixture.cdf(le) }));
  buckets.push({ le: Number.POSITIVE_INFINITY, count });
  return { buckets, count, sumSeconds: count * mixture.mean() };
}

/** Hands the window's mixture over to the observation and gives the window a fresh one. */
function takeMixture(holder: { rt: RtMixture }): RtMixture {
  const taken = holder.rt;
  holder.rt = new RtMixture(taken.shape);
  return taken;
}

function podObservation(
  pod: SimPod,
  service: SimService,
  windowSeconds: number,
  measurement: 'exact' | 'histogram',
): PodObservation {
  const w = pod.window;
  const base: Omit<PodObservation, 'rt' | 'rtHistogram'> = {
    name: pod.name,
    service: service.spec.name,
    node: pod.node?.name ?? null,
    phase: pod.phase,
    ready: pod.phase === 'Running',
    createdAtSeconds: pod.createdAtSeconds,
    requestRate: w.arrivals / windowSeconds,
    throughput: w.completions / windowSeconds,
    usedCores: w.usedCpuSeconds / windowSeconds,
    throttledFraction: w.cfsPeriods > 0 ? w.throttledPeriods / w.cfsPeriods : 0,
    workingSetBytes: w.workingSetBytes,
    peakWorkingSetBytes: w.peakWorkingSetBytes,
    inFlight: pod.queue.inFlight,
    enacted: { ...pod.enacted },
    desired: { ...pod.desired },
    resize: pod.resize,
    restarts: pod.restarts,
    oomKills: pod.oomKills,
    weight: pod.weight,
  };
  const mixture = takeMixture(w);
  const observed = withLazyRt(base, mixture, measurement);
  let histogram: WindowHistogram | null | undefined;
  Object.defineProperty(observed, 'rtHistogram', {
    enumerable: true,
    get: () => {
      if (histogram === undefined) histogram = windowHistogram(mixture);
      return histogram;
    },
  });
  return observed as PodObservation;
}

export function buildObservation(
  nowSeconds: number,
  windowSeconds: number,
  stepSeconds: number,
  services: readonly SimService[],
  nodes: readonly SimNode[],
  measurement: 'exact' | 'histogram' = 'exact',
): Observation {
  const nodeUsedCpuSeconds = new Map<SimNode, number>();
  const serviceObs: ServiceObservation[] = services.map((service) => {
    const pods = service.pods.map((pod) => podObservation(pod, service, windowSeconds, measurement));
    for (const pod of service.pods) {
      if (pod.node) {
        nodeUsedCpuSeconds.set(pod.node, (nodeUsedCpuSeconds.get(pod.node) ?? 0) + pod.window.usedCpuSeconds);
      }
    }
    const w = service.window;
    const base: Omit<ServiceObservation, 'rt'> = {
      name: service.spec.name,
      sla: service.spec.sla,
      requestRate: w.arrivals / windowSeconds,
      throughput: w.completions / windowSeconds,
      droppedRate: w.dropped / windowSeconds,
      replicas: {
        target: service.target,
        existing: service.pods.length,
        ready: service.pods.filter((p) => p.phase === 'Running').length,
      },
      template: { ...service.template },
      pods,
    };
    return withLazyRt(base, takeMixture(w), measurement);
  });
  const nodeObs: NodeObservation[] = nodes.map((node) => ({
    name: node.name,
    allocatable: { ...node.allocatable },
    allocated: allocatedOn(node),
    usedCores: (nodeUsedCpuSeconds.get(node) ?? 0) / windowSeconds,
    pods: node.pods.map((p) => p.name),
  }));
  for (const service of services) {
    for (const pod of service.pods) resetWindow(pod.window);
    service.window.arrivals = 0;
    service.window.completions = 0;
    service.window.dropped = 0;
  }
  return { nowSeconds, windowSeconds, stepSeconds, services: serviceObs, nodes: nodeObs };
}
