// Reading an agent's domain sample and the Kubernetes pod object into the control code's shapes
// (the recommender's signal, the pod's sizes and conditions), plus the PodScale write deadband. Pure.
import { statisticSeconds } from '../../../lib/api/statistic.ts';
import type { ResourceQuantities, Statistic } from '../../../lib/api/types.ts';
import type { CachedPod } from '../../../lib/cached-pod.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../../lib/quantity.ts';
import type { PodSample } from '../model/pod-sample.ts';
import type { PodSignal, Resources } from '../recommender/types.ts';

/**
 * Shorter response-time windows are no evidence: a rate over a few milliseconds is noise (the agent
 * pools such windows itself; this guards against an agent that does not).
 */
export const MIN_EVIDENCE_WINDOW_SECONDS = 0.1;

/** Why the pod's report carries no usable response-time window this pass; undefined when it does. */
export function missingResponseTime(report: PodSample): string | undefined {
  const rt = report.responseTime;
  if (!rt) return 'no response-time window';
  if (rt.failureReason) return `${rt.failureReason}: ${rt.error}`;
  if (!rt.valid) return rt.error || 'no response-time window';
  if (!(rt.windowSeconds >= MIN_EVIDENCE_WINDOW_SECONDS))
    return `window of ${Math.round(rt.windowSeconds * 1000)}ms is too short to be evidence`;
  return undefined;
}

/**
 * The recommender's signal from one pod sample. Rates come from the scrape's own window (its two
 * scrapes' timestamps), never from the report's tick spacing, which only paces a signal without one.
 * Response time only when the window had requests.
 */
export function podSignal(report: PodSample, reportWindowSeconds: number, statistic: Statistic): PodSignal {
  const rt = report.responseTime;
  const measured = rt !== undefined && missingResponseTime(report) === undefined;
  const periodSeconds = measured ? rt.windowSeconds : reportWindowSeconds > 0 ? reportWindowSeconds : 1;
  const requestCount = measured ? rt.requestCount : 0;
  const enacted = report.enacted;
  return {
    periodSeconds,
    enactedCpuMilli: enacted.cpuMilli,
    enactedMemoryBytes: enacted.memoryBytes,
    cpuUsageMilli: report.cpuUsageMilli,
    throttledRatio: report.cpuThrottledRatio,
    requestRate: requestCount / periodSeconds,
    requestCount,
    responseTimeSeconds: measured && requestCount > 0 ? statisticSeconds(rt, statistic) : undefined,
    memoryWorkingSetBytes: report.memoryWorkingSetBytes,
    oomKilled: report.lastTerminationOom,
    restartCount: report.restartCount,
    usageValid: report.usageValid,
  };
}

/**
 * The pod's enacted size: the kubelet's view as the agent reported it, else what the spec asks for.
 * A report of zero CPU means the kubelet has not started the container yet, not a zero-CPU pod.
 */
export function enactedResources(sample: PodSample | undefined, specResources: Resources): Resources {
  const reported = sample?.enacted;
  return reported && reported.cpuMilli > 0 ? reported : specResources;
}

/** What the pod spec asks for now (the enacted size until an agent reports the kubelet's view). */
export function containerResources(pod: CachedPod, container: string): Resources {
  const c = pod.spec?.containers.find((x) => x.name === container);
  const status = pod.status?.containerStatuses?.find((s) => s.name === container)?.resources;
  const req = status?.requests ?? c?.resources?.requests ?? {};
  return {
    cpuMilli: req['cpu'] ? parseCpuMilli(req['cpu']) : 0,
    memoryBytes: req['memory'] ? parseMemoryBytes(req['memory']) : 0,
  };
}

/** The scheduler tried and found no node for the pod (PodScheduled=False, reason Unschedulable). */
export function isPodUnschedulable(pod: CachedPod): boolean {
  if (pod.spec?.nodeName) return false;
  return (
    pod.status?.conditions?.some(
      (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
    ) ?? false
  );
}

export function isPodReady(pod: CachedPod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A PodScale's spec.desired as numbers; undefined when it lacks CPU or memory (never written). */
export function writtenDesired(current: ResourceQuantities | undefined): Resources | undefined {
  if (!current?.cpu || !current.memory) return undefined;
  return { cpuMilli: parseCpuMilli(current.cpu), memoryBytes: parseMemoryBytes(current.memory) };
}
