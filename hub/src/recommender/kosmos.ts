// The default kosmos law: queueing-model feed-forward on the measured request rate and CPU cost,
// corrected by feedback on the observed response time, with the KOSMOS PI law as the fallback
// before a model exists; safe at zero traffic, throttling-aware, rate-limited both ways.
import { recommendMemory } from './memory.ts';
import { headroomCpuMilli, statisticFactor } from './queueing.ts';
import type {
  CpuRule,
  PodSignal,
  Recommendation,
  RecommendationTerms,
  RecommenderConfig,
  RecommenderState,
} from './types.ts';
import { boundBy, clamp, formatCpu, formatMemory, formatSeconds, initialRecommenderState } from './util.ts';

const PI_ERROR_CLAMP = 10;

/** See README.md in this folder for the equations and why. */
export function recommendKosmos(
  config: RecommenderConfig,
  previous: RecommenderState | undefined,
  signal: PodSignal,
): Recommendation {
  const t = config.tuning;
  const state = previous ?? initialRecommenderState();
  const enacted = Math.max(1, signal.enactedCpuMilli);
  const usageValid = signal.usageValid !== false;
  const usage = usageValid ? Math.max(0, signal.cpuUsageMilli) : 0;
  const rate = Math.max(0, signal.requestRate);
  const rt = signal.responseTimeSeconds;
  const q = statisticFactor(config.statistic);
  const targetResponseSeconds = config.sloSeconds / t.sloMargin;
  const meanTargetSeconds = targetResponseSeconds / q;

  const idle = signal.requestCount < t.minRequestsForFeedback || rt === undefined;
  const trains = usageValid && signal.requestCount >= t.minRequestsForModel && rate > 0;
  const utilization = usage / enacted;
  const cpuBound =
    usageValid &&
    (utilization >= t.saturatedUtilization || signal.throttledRatio >= t.throttledRatioSaturated);
  const violating = rt !== undefined && rt > targetResponseSeconds;
  // The quota hides the real demand: usage and finished requests are capped by it, and the SLO suffers.
  // While a backlog drains (the step after), the window's response time still shows the queue
  // served at its start, so only a pod still pegged at its quota counts.
  const pegged = usageValid && utilization >= t.saturatedUtilization;
  const hiddenDemand =
    (state.draining ? pegged : cpuBound) && (rt === undefined ? pegged : rt > config.sloSeconds);

  // 1. CPU cost per request (core-ms per request): EWMA of usage / rate.
  const costSample = trains ? usage / rate : undefined;
  const previousCost = state.cpuCostMilliSecondsPerRequest;
  const cost =
    costSample === undefined
      ? previousCost
      : previousCost === undefined
        ? costSample
        : previousCost + t.costSmoothing * (costSample - previousCost);

  // 2. Feedback: identify how far the queueing model is off at the current operating point.
  // Observed idle capacity h = enacted − usage; the model predicts statistic = q·cost/h.
  let correction = state.modelCorrection;
  let correctionSample: number | undefined;
  const inBand = utilization >= t.identifyUtilization.min && utilization <= t.identifyUtilization.max;
  // Not while a backlog drains (the step after hidden demand): the queue is not in steady state.
  const identifiable = utilization < t.identifyUtilization.max && !hiddenDemand && !state.draining;
  if (trains && !idle && identifiable && cost !== undefined && cost > 0 && (inBand || violating)) {
    const modelSeconds = (q * cost) / (enacted - usage);
    correctionSample = clamp(rt / modelSeconds, t.correction.min, t.correction.max);
    const rising = correctionSample > correction;
    // Lowering is only trusted where the queueing delay dominates (inside the utilization band).
    if (rising || inBand) {
      const gain = rising ? t.correctionGain.up : t.correctionGain.down;
      correction = clamp(
        Math.exp(Math.log(correction) + gain * (Math.log(correctionSample) - Math.log(correction))),
        t.correction.min,
        t.correction.max,
      );
    }
  }

  // 3. Feed-forward: capacity = predicted load + headroom for the response-time target (PS queue).
  // No trend while a backlog drains: the finished-request rate then includes the drained queue.
  const trend =
    state.previousRequestRate === undefined || state.draining
      ? 0
      : t.rateTrendGain * Math.max(0, rate - state.previousRequestRate);
  const rateNoiseMargin = t.rateNoiseSigmas * Math.sqrt(rate / Math.max(signal.periodSeconds, 1e-3));
  // Burstiness beyond Poisson: running mean and variance of the window rate. Not from a pegged pod
  // or a draining backlog: the finished-request rate then shows the quota, not the arrivals.
  const a = t.rateStatsSmoothing;
  const rateSample = !(pegged || state.draining);
  const rateMean = !rateSample
    ? state.rateMean
    : state.rateMean === undefined
      ? rate
      : state.rateMean + a * (rate - state.rateMean);
  const rateVariance =
    !rateSample || state.rateMean === undefined
      ? (state.rateVariance ?? 0)
      : (1 - a) * ((state.rateVariance ?? 0) + a * (rate - state.rateMean) ** 2);
  const rateDeviation = Math.sqrt(rateVariance);
  const predictedRequestRate = Math.max(
    rate + trend + rateNoiseMargin,
    rateMean === undefined ? 0 : rateMean + t.rateNoiseSigmas * rateDeviation,
  );
  const loadCpuMilli = cost === undefined ? undefined : Math.max(predictedRequestRate * cost, usage);
  const headroom = cost === undefined ? undefined : correction * headroomCpuMilli(cost, meanTargetSeconds);
  const feedForward =
    loadCpuMilli === undefined || headroom === undefined ? undefined : loadCpuMilli + headroom;
  // What the SLO itself takes at the mean rate, without the margins (rate noise, trend, sloMargin):
  // the share a node under contention protects before any pod gets margin. Smoothed inputs only, so
  // the grants it shapes do not feed back into it.
  const essentialCpuMilli = essentialCpu(config, rateMean ?? rate, cost, correction);

  // 4. KOSMOS PI (fallback while there is no model), on the same aimed target.
  const error = idle
    ? 0
    : clamp(1 / targetResponseSeconds - 1 / Math.max(rt, 1e-9), -PI_ERROR_CLAMP, PI_ERROR_CLAMP);
  const previousError = state.previousError ?? error;
  const pi = enacted + config.gains.bc * (error - previousError) + config.gains.dc * error;

  let rule: CpuRule;
  let target: number;
  if (!usageValid) {
    rule = 'no-usage';
    target = enacted;
  } else if (feedForward === undefined) {
    rule = idle ? 'idle-hold' : 'pi';
    target = idle ? enacted : pi;
  } else if (idle) {
    rule = 'idle-model';
    target = Math.max(feedForward, usage * (1 + t.idleUsageHeadroom));
  } else {
    rule = 'feed-forward';
    target = feedForward;
  }

  // 5. Throttling-aware: a CPU-bound pod violating its SLO cannot be judged by usage (capped by the
  // quota). Under overload the response time of the last finished requests ≈ the time to drain the
  // queue ahead of them, so the backlog is ≈ RT · usage millicore-seconds of work: the arrivals it
  // hid (backlog / period) plus the work to drain it (backlogFactor counts both).
  // Without a response time (nothing finished) grow by maxGrowthFactor.
  let backlogCpuMilli: number | undefined;
  if (hiddenDemand) {
    let hidden: number;
    if (rt === undefined) {
      hidden = enacted * config.maxGrowthFactor;
    } else {
      backlogCpuMilli = (rt * usage) / Math.max(signal.periodSeconds, t.evidenceSeconds, 1e-3);
      hidden = Math.max(
        (feedForward ?? usage) + t.backlogFactor * backlogCpuMilli,
        enacted * t.minSaturatedGrowthFactor,
      );
    }
    if (hidden > target) {
      target = hidden;
      rule = 'saturated';
    }
  }

  // 6. Rate limits: measured surges (rate or backlog) may grow up to surgeGrowthFactor, the rest up to
  // maxGrowthFactor; decreases are limited to maxDecreaseFraction; small changes are skipped.
  const measured = rule === 'feed-forward' || (rule === 'saturated' && backlogCpuMilli !== undefined);
  const confidentSurge = measured && signal.requestCount >= t.confidentRequestCount;
  const growthLimit =
    enacted *
    (confidentSurge ? Math.max(t.surgeGrowthFactor, config.maxGrowthFactor) : config.maxGrowthFactor);
  const decreaseLimit = enacted * (1 - t.maxDecreaseFraction);
  let limited = clamp(target, decreaseLimit, growthLimit);
  const smallChange = Math.abs(limited - enacted) < t.deadbandFraction * enacted;
  if (smallChange && limited !== enacted && !(violating && limited > enacted)) {
    limited = enacted;
    rule = 'deadband';
  }
  const unboundedCpuMilli = Math.ceil(limited);
  const cpu = boundBy(unboundedCpuMilli, config.minCpuMilli, config.maxCpuMilli);

  const memoryResult = recommendMemory(t, state, signal);
  const memory = boundBy(memoryResult.unboundedMemoryBytes, config.minMemoryBytes, config.maxMemoryBytes);

  const terms: RecommendationTerms = {
    controller: config.controller,
    sloSeconds: config.sloSeconds,
    statistic: config.statistic,
    enactedCpuMilli: signal.enactedCpuMilli,
    cpuUsageMilli: signal.cpuUsageMilli,
    requestRate: signal.requestRate,
    requestCount: signal.requestCount,
    responseTimeSeconds: rt,
    throttledRatio: signal.throttledRatio,
    error,
    previousError,
    rateNoiseMargin,
    rateMean,
    rateDeviation,
    piCpuMilli: pi,
    targetResponseSeconds,
    statisticFactor: q,
    costSampleMilliSecondsPerRequest: costSample,
    cpuCostMilliSecondsPerRequest: cost,
    modelCorrection: correction,
    correctionSample,
    predictedRequestRate,
    loadCpuMilli,
    headroomCpuMilli: headroom,
    feedForwardCpuMilli: feedForward,
    essentialCpuMilli,
    cpuBound,
    hiddenDemand,
    backlogCpuMilli,
    idle,
    targetCpuMilli: target,
    unboundedCpuMilli,
    growthLimitCpuMilli: growthLimit,
    decreaseLimitCpuMilli: decreaseLimit,
    cpuRule: rule,
    memoryRule: memoryResult.rule,
    memoryWorkingSetBytes: signal.memoryWorkingSetBytes,
    enactedMemoryBytes: signal.enactedMemoryBytes,
    unboundedMemoryBytes: memoryResult.unboundedMemoryBytes,
    oomKilled: signal.oomKilled,
    cpuBoundedBySla: cpu.bound,
    memoryBoundedBySla: memory.bound,
  };
  return {
    desired: { cpuMilli: cpu.value, memoryBytes: memory.value },
    state: {
      ...state,
      ...memoryResult.state,
      steps: state.steps + 1,
      previousError: error,
      cpuCostMilliSecondsPerRequest: cost,
      modelCorrection: correction,
      previousRequestRate: rate,
      rateMean,
      rateVariance,
      draining: hiddenDemand,
    },
    terms,
    reason:
      `cpu ${formatCpu(signal.enactedCpuMilli)} → ${formatCpu(cpu.value)} (${rule}` +
      `${cpu.bound === 'none' ? '' : `, sla ${cpu.bound}`}), ` +
      `memory ${formatMemory(signal.enactedMemoryBytes)} → ${formatMemory(memory.value)} (${memoryResult.rule}): ` +
      `${config.statistic} ${formatSeconds(rt)} vs slo ${formatSeconds(config.sloSeconds)}, ` +
      `${rate.toFixed(1)} req/s`,
  };
}

/**
 * CPU the SLO itself takes at `meanRate`, without margins: mean rate × cost + the queueing headroom
 * for the objective (not the aimed-at SLO/sloMargin); undefined without a cost model.
 */
export function essentialCpu(
  config: RecommenderConfig,
  meanRate: number,
  cost: number | undefined,
  correction: number,
): number | undefined {
  if (cost === undefined) return undefined;
  const q = statisticFactor(config.statistic);
  return meanRate * cost + correction * headroomCpuMilli(cost, config.sloSeconds / q);
}

/** essentialCpu from a pod's last recommender state (a pod held without a fresh signal). */
export function essentialFromState(
  config: RecommenderConfig,
  state: RecommenderState | undefined,
): number | undefined {
  if (state?.rateMean === undefined) return undefined;
  return essentialCpu(config, state.rateMean, state.cpuCostMilliSecondsPerRequest, state.modelCorrection);
}
