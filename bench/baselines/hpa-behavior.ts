// HPA reconcile step (upstream horizontal.go): min/max clamp, stabilization windows over past recommendations,
// and scale-up/scale-down rate policies over past scale events. Stateful, time is passed in.

export type HpaScalingPolicy = { type: 'Pods' | 'Percent'; value: number; periodSeconds: number };
export type HpaScalingRules = {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: readonly HpaScalingPolicy[];
};
export type HpaBehavior = { scaleUp: HpaScalingRules; scaleDown: HpaScalingRules };

/** autoscaling/v2 defaults (SetDefaults_HorizontalPodAutoscalerBehavior). */
export const DEFAULT_HPA_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: 'Max',
    policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  },
};

export type HpaSpec = { minReplicas: number; maxReplicas: number; behavior?: HpaBehavior };

type Recommendation = { replicas: number; atSeconds: number };
type ScaleEvent = { change: number; atSeconds: number };

export type HpaDecision = {
  /** Replicas to write to the scale subresource (equal to current when no rescale). */
  desiredReplicas: number;
  /** Max over the metric proposals, before behaviors. */
  proposedReplicas: number;
  /** After the stabilization window, before rate limits. */
  stabilizedReplicas: number;
  reason: string;
};

function changeInPeriod(events: readonly ScaleEvent[], nowSeconds: number, periodSeconds: number): number {
  const cutoff = nowSeconds - periodSeconds;
  let sum = 0;
  for (const e of events) if (e.atSeconds > cutoff) sum += e.change;
  return sum;
}

/** The upstream controller's per-HPA state machine (one instance per scale target). */
export class HpaController {
  readonly spec: Required<HpaSpec>;
  private recommendations: Recommendation[] = [];
  private upEvents: ScaleEvent[] = [];
  private downEvents: ScaleEvent[] = [];

  constructor(spec: HpaSpec) {
    this.spec = { ...spec, behavior: spec.behavior ?? DEFAULT_HPA_BEHAVIOR };
  }

  /**
   * reconcileAutoscaler: `currentReplicas` is the scale subresource's spec.replicas; `proposals` are the
   * replica counts from each metric (the max wins). Returns what to write; records the event when it changes.
   */
  reconcile(nowSeconds: number, currentReplicas: number, proposals: readonly number[]): HpaDecision {
    const { minReplicas, maxReplicas } = this.spec;
    let desired: number;
    let proposed = currentReplicas;
    let stabilized = currentReplicas;
    let reason: string;
    if (currentReplicas === 0 && minReplicas !== 0) {
      desired = 0;
      reason = 'ScalingDisabled';
    } else if (currentReplicas > maxReplicas) {
      desired = maxReplicas;
      reason = 'TooManyReplicas';
    } else if (currentReplicas < minReplicas) {
      desired = minReplicas;
      reason = 'TooFewReplicas';
    } else if (proposals.length === 0) {
      desired = currentReplicas;
      reason = 'NoMetrics';
    } else {
      proposed = Math.max(...proposals);
      if (this.recommendations.length === 0) {
        this.recommendations.push({ replicas: currentReplicas, atSeconds: nowSeconds });
      }
      stabilized = this.stabilize(nowSeconds, currentReplicas, proposed);
      ({ desired, reason } = this.rateLimit(nowSeconds, currentReplicas, stabilized));
    }
    if (desired !== currentReplicas) this.storeEvent(nowSeconds, currentReplicas, desired);
    return { desiredReplicas: desired, proposedReplicas: proposed, stabilizedReplicas: stabilized, reason };
  }

  /** stabilizeRecommendationWithBehaviors: up = min over the up window, down = max over the down window. */
  private stabilize(nowSeconds: number, currentReplicas: number, proposed: number): number {
    const { scaleUp, scaleDown } = this.spec.behavior;
    const upCutoff = nowSeconds - scaleUp.stabilizationWindowSeconds;
    const downCutoff = nowSeconds - scaleDown.stabilizationWindowSeconds;
    let up = proposed;
    let down = proposed;
    let oldIndex = -1;
    this.recommendations.forEach((rec, i) => {
      if (rec.atSeconds > upCutoff) up = Math.min(rec.replicas, up);
      if (rec.atSeconds > downCutoff) down = Math.max(rec.replicas, down);
      if (rec.atSeconds < upCutoff && rec.atSeconds < downCutoff) oldIndex = i;
    });
    let recommendation = currentReplicas;
    if (recommendation < up) recommendation = up;
    if (recommendation > down) recommendation = down;
    const entry = { replicas: proposed, atSeconds: nowSeconds };
    if (oldIndex >= 0) this.recommendations[oldIndex] = entry;
    else this.recommendations.push(entry);
    return recommendation;
  }

  /** convertDesiredReplicasWithBehaviorRate, then min/max replicas. */
  private rateLimit(
    nowSeconds: number,
    current: number,
    desired: number,
  ): { desired: number; reason: string } {
    const { minReplicas, maxReplicas, behavior } = this.spec;
    if (desired > current) {
      let limit = this.limit(nowSeconds, current, behavior.scaleUp, 1);
      if (limit < current) limit = current;
      const max = Math.min(maxReplicas, limit);
      if (desired > max)
        return { desired: max, reason: limit < maxReplicas ? 'ScaleUpLimit' : 'TooManyReplicas' };
    } else if (desired < current) {
      let limit = this.limit(nowSeconds, current, behavior.scaleDown, -1);
      if (limit > current) limit = current;
      const min = Math.max(minReplicas, limit);
      if (desired < min)
        return { desired: min, reason: limit > minReplicas ? 'ScaleDownLimit' : 'TooFewReplicas' };
    }
    return { desired, reason: 'DesiredWithinRange' };
  }

  /** calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors. */
  private limit(nowSeconds: number, current: number, rules: HpaScalingRules, direction: 1 | -1): number {
    if (rules.selectPolicy === 'Disabled') return current;
    // Max change: the largest count up, the smallest count down; Min change: the reverse.
    const pickLargest = (direction === 1) === (rules.selectPolicy === 'Max');
    let result = pickLargest ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (const p of rules.policies) {
      const added = changeInPeriod(this.upEvents, nowSeconds, p.periodSeconds);
      const deleted = changeInPeriod(this.downEvents, nowSeconds, p.periodSeconds);
      const start = current - added + deleted;
      let proposed: number;
      if (p.type === 'Pods') proposed = start + direction * p.value;
      else if (direction === 1) proposed = Math.ceil(start * (1 + p.value / 100));
      else proposed = Math.trunc(start * (1 - p.value / 100));
      result = pickLargest ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  /** storeScaleEvent: events older than the longest policy period are dropped. */
  private storeEvent(nowSeconds: number, prev: number, next: number): void {
    const up = next > prev;
    const rules = up ? this.spec.behavior.scaleUp : this.spec.behavior.scaleDown;
    const longest = Math.max(0, ...rules.policies.map((p) => p.periodSeconds));
    const kept = (up ? this.upEvents : this.downEvents).filter((e) => e.atSeconds > nowSeconds - longest);
    kept.push({ change: Math.abs(next - prev), atSeconds: nowSeconds });
    if (up) this.upEvents = kept;
    else this.downEvents = kept;
  }
}
