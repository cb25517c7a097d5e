// HPA replica calculator: the upstream kube-controller-manager algorithm (pkg/controller/podautoscaler/
// replica_calculator.go) as pure functions over plain pod records, for the control-quality benchmark.

/** Upstream defaults (kube-controller-manager flags `--horizontal-pod-autoscaler-*`). */
export const HPA_DEFAULTS = {
  tolerance: 0.1,
  syncPeriodSeconds: 15,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
} as const;

export type HpaPodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** What the replica calculator sees of one pod (lister + metrics API). */
export type HpaPod = {
  name: string;
  phase: HpaPodPhase;
  deleting?: boolean;
  /** Ready condition; undefined when the pod has no Ready condition yet. */
  ready?: { status: boolean; lastTransitionSeconds: number };
  startSeconds?: number;
  cpuRequestMilli: number;
};

/** One sample of the resource metrics API: value averaged over `windowSeconds`, ending at `timestampSeconds`. */
export type HpaPodMetric = { valueMilli: number; timestampSeconds: number; windowSeconds: number };

export type ResourceReplicasInput = {
  currentReplicas: number;
  targetUtilizationPercent: number;
  pods: readonly HpaPod[];
  metrics: ReadonlyMap<string, HpaPodMetric>;
  nowSeconds: number;
  tolerance?: number;
  cpuInitializationPeriodSeconds?: number;
  initialReadinessDelaySeconds?: number;
};

export type ReplicaProposal = { replicas: number; utilizationPercent?: number };

type Grouping = {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
};

/**
 * groupPods (upstream, CPU): deleted/failed pods are ignored; Pending pods are unready; pods without a
 * metric are missing; within the CPU initialization period a pod is unready if its Ready condition is
 * false or its metric window started before the last readiness transition; after it, only if it is
 * unready and has never been ready (transition within the initial readiness delay of its start).
 */
export function groupPods(
  pods: readonly HpaPod[],
  metrics: ReadonlyMap<string, HpaPodMetric>,
  nowSeconds: number,
  cpuInitializationPeriodSeconds: number,
  initialReadinessDelaySeconds: number,
): Grouping {
  const g: Grouping = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    if (pod.deleting || pod.phase === 'Failed') {
      g.ignored.add(pod.name);
      continue;
    }
    if (pod.phase === 'Pending') {
      g.unready.add(pod.name);
      continue;
    }
    const metric = metrics.get(pod.name);
    if (!metric) {
      g.missing.add(pod.name);
      continue;
    }
    let unready: boolean;
    if (!pod.ready || pod.startSeconds === undefined) {
      unready = true;
    } else if (pod.startSeconds + cpuInitializationPeriodSeconds > nowSeconds) {
      unready =
        !pod.ready.status || metric.timestampSeconds < pod.ready.lastTransitionSeconds + metric.windowSeconds;
    } else {
      unready =
        !pod.ready.status &&
        pod.startSeconds + initialReadinessDelaySeconds > pod.ready.lastTransitionSeconds;
    }
    if (unready) g.unready.add(pod.name);
    else g.readyPodCount++;
  }
  return g;
}

/** GetResourceUtilizationRatio: integer percent of Σusage/Σrequest over pods that have both. */
export function utilizationRatio(
  metrics: ReadonlyMap<string, number>,
  requestsMilli: ReadonlyMap<string, number>,
  targetUtilizationPercent: number,
): { ratio: number; utilizationPercent: number } {
  let usage = 0;
  let request = 0;
  for (const [name, value] of metrics) {
    const r = requestsMilli.get(name);
    if (r === undefined) continue;
    usage += value;
    request += r;
  }
  if (request === 0) throw new Error('no metrics for pods with a CPU request');
  const utilizationPercent = Math.trunc((usage * 100) / request);
  return { ratio: utilizationPercent / targetUtilizationPercent, utilizationPercent };
}

/**
 * GetResourceReplicas (CPU utilization). Missing pods count as 100 % of request on a scale-down and 0 % on
 * a scale-up; unready pods count as 0 % on a scale-up; a proposal that the rebalanced ratio would reverse
 * or bring within tolerance keeps the current count.
 */
export function resourceReplicas(input: ResourceReplicasInput): ReplicaProposal {
  const tolerance = input.tolerance ?? HPA_DEFAULTS.tolerance;
  const g = groupPods(
    input.pods,
    input.metrics,
    input.nowSeconds,
    input.cpuInitializationPeriodSeconds ?? HPA_DEFAULTS.cpuInitializationPeriodSeconds,
    input.initialReadinessDelaySeconds ?? HPA_DEFAULTS.initialReadinessDelaySeconds,
  );
  const requests = new Map(input.pods.map((p) => [p.name, p.cpuRequestMilli] as const));
  const metrics = new Map<string, number>();
  for (const [name, m] of input.metrics) {
    if (!g.ignored.has(name) && !g.unready.has(name) && requests.has(name)) metrics.set(name, m.valueMilli);
  }
  if (metrics.size === 0) throw new Error('did not receive metrics for any ready pods');
  const { ratio, utilizationPercent } = utilizationRatio(metrics, requests, input.targetUtilizationPercent);

  const rebalanceUnready = g.unready.size > 0 && ratio > 1.0;
  if (!rebalanceUnready && g.missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= tolerance) return { replicas: input.currentReplicas, utilizationPercent };
    return { replicas: Math.ceil(ratio * g.readyPodCount), utilizationPercent };
  }
  if (g.missing.size > 0) {
    if (ratio < 1.0) for (const name of g.missing) metrics.set(name, requests.get(name) ?? 0);
    else if (ratio > 1.0) for (const name of g.missing) metrics.set(name, 0);
  }
  if (rebalanceUnready) for (const name of g.unready) metrics.set(name, 0);

  const next = utilizationRatio(metrics, requests, input.targetUtilizationPercent).ratio;
  if (Math.abs(1.0 - next) <= tolerance || (ratio < 1.0 && next > 1.0) || (ratio > 1.0 && next < 1.0)) {
    return { replicas: input.currentReplicas, utilizationPercent };
  }
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1.0 && replicas > input.currentReplicas) || (next > 1.0 && replicas < input.currentReplicas)) {
    return { replicas: input.currentReplicas, utilizationPercent };
  }
  return { replicas, utilizationPercent };
}

/** Pods counted by getReadyPodsCount: Running with Ready=True. */
export function readyPodCount(pods: readonly HpaPod[]): number {
  return pods.filter((p) => p.phase === 'Running' && !p.deleting && p.ready?.status === true).length;
}

/**
 * GetObjectMetricReplicas with a `Value` target (e.g. the service's response time from a custom metrics
 * adapter): ratio = value/target; within tolerance keep; else ceil(ratio × ready pods).
 */
export function objectValueReplicas(input: {
  currentReplicas: number;
  value: number;
  target: number;
  readyPods: number;
  tolerance?: number;
}): ReplicaProposal {
  const tolerance = input.tolerance ?? HPA_DEFAULTS.tolerance;
  const ratio = input.value / input.target;
  if (input.currentReplicas === 0) return { replicas: Math.ceil(ratio) };
  if (Math.abs(1.0 - ratio) <= tolerance) return { replicas: input.currentReplicas };
  return { replicas: Math.ceil(ratio * input.readyPods) };
}
