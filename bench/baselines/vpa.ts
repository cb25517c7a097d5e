// VPA recommender (CPU) and updater decisions, after vertical-pod-autoscaler/pkg/recommender/logic and
// pkg/updater: p90/p50/p95 of a decaying usage histogram, +15 % margin, confidence multipliers, 25m floor;
// the updater evicts (Recreate) or resizes in place (InPlaceOrRecreate) pods outside the bounds.
import { DecayingHistogram } from './vpa-histogram.ts';

/** Upstream defaults (recommender and updater flags). */
export const VPA_DEFAULTS = {
  cpuHistogramDecayHalfLifeSeconds: 24 * 3600,
  minSampleWeight: 0.1,
  targetCpuPercentile: 0.9,
  lowerBoundCpuPercentile: 0.5,
  upperBoundCpuPercentile: 0.95,
  safetyMarginFraction: 0.15,
  podMinCpuMilli: 25,
  recommenderIntervalSeconds: 60,
  updaterIntervalSeconds: 60,
  /** Pods younger than this are only updated when outside the recommended range. */
  podLifetimeUpdateThresholdSeconds: 12 * 3600,
  minChangePriority: 0.1,
  /** Updater `--min-replicas`: controllers with fewer replicas are never evicted. */
  minReplicas: 2,
  evictionTolerance: 0.5,
  /** InPlaceOrRecreate: a resize Deferred longer than this (or Infeasible) falls back to eviction. */
  inPlaceDeferredTimeoutSeconds: 300,
  inPlaceInProgressTimeoutSeconds: 3600,
} as const;

export type CpuRecommendation = { targetMilli: number; lowerBoundMilli: number; upperBoundMilli: number };

/** AggregateContainerState (CPU part): one per VPA and container name, fed by every pod of the target. */
export class CpuAggregate {
  readonly histogram: DecayingHistogram;
  firstSampleSeconds: number | undefined;
  lastSampleSeconds: number | undefined;
  totalSamples = 0;

  constructor(halfLifeSeconds: number = VPA_DEFAULTS.cpuHistogramDecayHalfLifeSeconds) {
    this.histogram = new DecayingHistogram(halfLifeSeconds);
  }

  /** addCPUSample: weighted by the request at the time (≥ 0.1 core), so raising the request decays history. */
  addSample(usageCores: number, requestCores: number, atSeconds: number): void {
    this.histogram.addSample(usageCores, Math.max(requestCores, VPA_DEFAULTS.minSampleWeight), atSeconds);
    if (this.firstSampleSeconds === undefined || atSeconds < this.firstSampleSeconds) {
      this.firstSampleSeconds = atSeconds;
    }
    if (this.lastSampleSeconds === undefined || atSeconds > this.lastSampleSeconds) {
      this.lastSampleSeconds = atSeconds;
    }
    this.totalSamples++;
  }

  /** getConfidence: min(lifespan in days, samples / (one per minute for a day)). */
  confidence(): number {
    if (this.firstSampleSeconds === undefined || this.lastSampleSeconds === undefined) return 0;
    const lifespanDays = (this.lastSampleSeconds - this.firstSampleSeconds) / 86400;
    return Math.min(lifespanDays, this.totalSamples / (60 * 24));
  }
}

/** ResourceAmount conversions truncate to whole milli-cores. */
const milli = (cores: number): number => Math.max(0, Math.trunc(cores * 1000));

/**
 * The pod resource recommender for one container of `containers`:
 * WithMinResources(WithConfidenceMultiplier(WithMargin(percentile))).
 */
export function recommendCpu(
  aggregate: CpuAggregate,
  opts: { containers?: number; minAllowedMilli?: number; maxAllowedMilli?: number } = {},
): CpuRecommendation {
  const d = VPA_DEFAULTS;
  const margin = (m: number): number => Math.trunc(m * (1 + d.safetyMarginFraction));
  const h = aggregate.histogram;
  const conf = aggregate.confidence();
  const target = margin(milli(h.percentile(d.targetCpuPercentile)));
  const lower = Math.trunc(margin(milli(h.percentile(d.lowerBoundCpuPercentile))) * (1 + 0.001 / conf) ** -2);
  const upperRaw = margin(milli(h.percentile(d.upperBoundCpuPercentile))) * (1 + 1.0 / conf) ** 1.0;
  const upper = Number.isFinite(upperRaw) ? Math.trunc(upperRaw) : Number.MAX_SAFE_INTEGER;
  const floor = Math.trunc(d.podMinCpuMilli / (opts.containers ?? 1));
  // The updater and admission controller cap to the VPA's container policy (minAllowed/maxAllowed).
  const cap = (m: number): number =>
    Math.min(
      opts.maxAllowedMilli ?? Number.MAX_SAFE_INTEGER,
      Math.max(opts.minAllowedMilli ?? 0, Math.max(floor, m)),
    );
  return { targetMilli: cap(target), lowerBoundMilli: cap(lower), upperBoundMilli: cap(upper) };
}

export type VpaUpdateMode = 'Recreate' | 'InPlaceOrRecreate';

/** What the updater sees of one pod of the target. */
export type VpaPod = {
  name: string;
  running: boolean;
  startSeconds: number;
  cpuRequestMilli: number;
  resize: 'None' | 'InProgress' | 'Deferred' | 'Infeasible';
};

export type UpdatePriority = { outsideRecommendedRange: boolean; scaleUp: boolean; resourceDiff: number };

/** GetUpdatePriority (single container, CPU). */
export function updatePriority(requestMilli: number, rec: CpuRecommendation): UpdatePriority {
  return {
    outsideRecommendedRange: requestMilli < rec.lowerBoundMilli || requestMilli > rec.upperBoundMilli,
    scaleUp: rec.targetMilli > requestMilli,
    resourceDiff: Math.abs(Math.max(requestMilli, 1) - rec.targetMilli) / Math.max(requestMilli, 1),
  };
}

export type VpaUpdate = {
  pod: string;
  action: 'evict' | 'inPlace';
  cpuMilli: number;
  priority: UpdatePriority;
};

/** The updater loop for one VPA; keeps when each pod's in-place resize was first seen pending. */
export class VpaUpdater {
  readonly mode: VpaUpdateMode;
  private readonly pendingSince = new Map<string, number>();

  constructor(mode: VpaUpdateMode) {
    this.mode = mode;
  }

  /**
   * RunOnce: pods eligible by priority (outside range, or living ≥ 12 h with diff ≥ 10 %), highest first
   * (scale-ups, then larger diff); each disruption must leave more than configured − ⌊0.5·configured⌋
   * running pods; fewer than 2 configured replicas → no update at all.
   */
  plan(
    nowSeconds: number,
    configuredReplicas: number,
    pods: readonly VpaPod[],
    rec: CpuRecommendation,
  ): VpaUpdate[] {
    const d = VPA_DEFAULTS;
    for (const name of this.pendingSince.keys()) {
      const pod = pods.find((p) => p.name === name);
      if (!pod || pod.resize === 'None') this.pendingSince.delete(name);
    }
    if (configuredReplicas < d.minReplicas) return [];
    const candidates: { pod: VpaPod; priority: UpdatePriority; fallback: boolean }[] = [];
    for (const pod of pods) {
      if (!pod.running) continue;
      let fallback = false;
      if (this.mode === 'InPlaceOrRecreate' && pod.resize !== 'None') {
        const since = this.pendingSince.get(pod.name) ?? nowSeconds;
        this.pendingSince.set(pod.name, since);
        const timeout =
          pod.resize === 'InProgress' ? d.inPlaceInProgressTimeoutSeconds : d.inPlaceDeferredTimeoutSeconds;
        if (pod.resize !== 'Infeasible' && nowSeconds - since < timeout) continue;
        fallback = true;
      }
      const priority = updatePriority(pod.cpuRequestMilli, rec);
      if (!priority.outsideRecommendedRange && !fallback) {
        if (nowSeconds < pod.startSeconds + d.podLifetimeUpdateThresholdSeconds) continue;
        if (priority.resourceDiff < d.minChangePriority) continue;
      }
      candidates.push({ pod, priority, fallback });
    }
    candidates.sort((a, b) =>
      a.priority.scaleUp !== b.priority.scaleUp
        ? Number(b.priority.scaleUp) - Number(a.priority.scaleUp)
        : b.priority.resourceDiff - a.priority.resourceDiff,
    );
    const running = pods.filter((p) => p.running).length;
    const tolerance = Math.trunc(configuredReplicas * d.evictionTolerance);
    let disrupted = 0;
    const out: VpaUpdate[] = [];
    for (const c of candidates) {
      const canDisrupt =
        running - disrupted > configuredReplicas - tolerance ||
        (running === configuredReplicas && tolerance === 0 && disrupted === 0);
      if (!canDisrupt) break;
      const action = this.mode === 'InPlaceOrRecreate' && !c.fallback ? 'inPlace' : 'evict';
      if (action === 'evict') this.pendingSince.delete(c.pod.name);
      out.push({ pod: c.pod.name, action, cpuMilli: rec.targetMilli, priority: c.priority });
      disrupted++;
    }
    return out;
  }
}
