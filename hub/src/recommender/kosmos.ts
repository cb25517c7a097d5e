// The default kosmos law: queueing-model feed-forward on the measured request rate and CPU cost,
// corrected by feedback on the observed response time, with the KOSMOS PI law as the fallback
// before a model exists; safe at zero traffic, throttling-aware, rate-limited both ways.
// A pipeline of the named steps in steps/ (numbered as in README.md).
import { learnCost } from './steps/cost.ts';
import { essentialCpu } from './steps/essential.ts';
import { feedForward, predictRequestRate, rateStatistics } from './steps/feed-forward.ts';
import { identifyCorrection } from './steps/feedback.ts';
import { detectHiddenDemand, hiddenDemandTarget } from './steps/hidden-demand.ts';
import { recommendMemory } from './steps/memory.ts';
import { rateLimit } from './steps/rate-limits.ts';
import { holdShrink } from './steps/shrink-hold.ts';
import { slaBounds } from './steps/sla-bounds.ts';
import { chooseTarget, piFallback } from './steps/target.ts';
import { readWindow } from './steps/window.ts';
import type {
  PodSignal,
  Recommendation,
  RecommendationTerms,
  RecommenderConfig,
  RecommenderState,
} from './types.ts';
import { formatCpu, formatMemory, formatSeconds, initialRecommenderState } from './util.ts';

export { essentialCpu, essentialFromState } from './steps/essential.ts';

/** See README.md in this folder for the equations and why. */
export function recommendKosmos(
  config: RecommenderConfig,
  previous: RecommenderState | undefined,
  signal: PodSignal,
): Recommendation {
  const rec = decideKosmos(config, previous, signal);
  rec.reason = describeKosmos(config, rec);
  return rec;
}

/**
 * The reason of a kosmos decision, from its terms and desired size alone: the evidence pooling
 * (evidence.ts) builds it only for a decision it commits, not on every pass the law runs.
 */
export function describeKosmos(config: RecommenderConfig, rec: Recommendation): string {
  const terms = rec.terms;
  const bound = terms.cpuBoundedBySla;
  return (
    `cpu ${formatCpu(terms.enactedCpuMilli)} → ${formatCpu(rec.desired.cpuMilli)} (${terms.cpuRule}` +
    `${bound === 'none' ? '' : `, sla ${bound}`}), ` +
    `memory ${formatMemory(terms.enactedMemoryBytes)} → ${formatMemory(rec.desired.memoryBytes)} (${terms.memoryRule}): ` +
    `${config.statistic} ${formatSeconds(terms.responseTimeSeconds)} vs slo ${formatSeconds(config.sloSeconds)}, ` +
    `${Math.max(0, terms.requestRate).toFixed(1)} req/s`
  );
}

/** recommendKosmos without its reason (left empty: describeKosmos builds it). */
export function decideKosmos(
  config: RecommenderConfig,
  previous: RecommenderState | undefined,
  signal: PodSignal,
): Recommendation {
  const t = config.tuning;
  const state = previous ?? initialRecommenderState();
  const window = readWindow(config, signal);
  const hiddenDemand = detectHiddenDemand(config.sloSeconds, state.draining, window);
  const cost = learnCost(t.costSmoothing, state.cpuCostMilliSecondsPerRequest, window);
  const feedback = identifyCorrection(t, window, {
    previousCorrection: state.modelCorrection,
    previousFloorSeconds: state.latencyFloorSeconds,
    previousFit: state.latencyFit,
    cpuCostMilliSecondsPerRequest: cost.cpuCostMilliSecondsPerRequest,
    hiddenDemand,
    draining: state.draining,
  });
  const rates = rateStatistics(
    t.rateStatsSmoothing,
    state,
    window.requestRate,
    !(window.pegged || state.draining),
  );
  const prediction = predictRequestRate(t, window, state, rates);
  const ff = feedForward(t, window, prediction.predictedRequestRate, cost.cpuCostMilliSecondsPerRequest, {
    modelCorrection: feedback.modelCorrection,
    latencyFloorSeconds: feedback.latencyFloorSeconds,
  });
  // Smoothed inputs only, so the grants it shapes do not feed back into it.
  const essentialCpuMilli = essentialCpu(
    config,
    rates.rateMean ?? window.requestRate,
    cost.cpuCostMilliSecondsPerRequest,
    { correction: feedback.modelCorrection, latencyFloorSeconds: feedback.latencyFloorSeconds },
  );
  const pi = piFallback(config.gains, window, state.previousError);
  const base = chooseTarget(t, window, ff.feedForwardCpuMilli, pi.piCpuMilli);
  const target = hiddenDemandTarget(config, window, hiddenDemand, ff.feedForwardCpuMilli, base);
  const held = holdShrink(
    t,
    window,
    state.recentTargets,
    target,
    target.rule === 'saturated' ? (ff.feedForwardCpuMilli ?? target.targetCpuMilli) : target.targetCpuMilli,
  );
  const limited = rateLimit(config, window, {
    rule: held.rule,
    targetCpuMilli: held.targetCpuMilli,
    backlogCpuMilli: target.backlogCpuMilli,
  });
  const memoryResult = recommendMemory(t, state, signal);
  const { cpu, memory } = slaBounds(config, {
    cpuMilli: limited.unboundedCpuMilli,
    memoryBytes: memoryResult.unboundedMemoryBytes,
  });
  const rule = limited.rule;
  const rt = window.responseTimeSeconds;

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
    error: pi.error,
    previousError: pi.previousError,
    rateNoiseMargin: prediction.rateNoiseMargin,
    rateMean: rates.rateMean,
    rateDeviation: rates.rateDeviation,
    piCpuMilli: pi.piCpuMilli,
    targetResponseSeconds: window.targetResponseSeconds,
    statisticFactor: window.statisticFactor,
    costSampleMilliSecondsPerRequest: cost.costSampleMilliSecondsPerRequest,
    cpuCostMilliSecondsPerRequest: cost.cpuCostMilliSecondsPerRequest,
    modelCorrection: feedback.modelCorrection,
    latencyFloorSeconds: feedback.latencyFloorSeconds,
    correctionSample: feedback.correctionSample,
    predictedRequestRate: prediction.predictedRequestRate,
    loadCpuMilli: ff.loadCpuMilli,
    headroomCpuMilli: ff.headroomCpuMilli,
    feedForwardCpuMilli: ff.feedForwardCpuMilli,
    essentialCpuMilli,
    cpuBound: window.cpuBound,
    hiddenDemand,
    backlogCpuMilli: target.backlogCpuMilli,
    idle: window.idle,
    targetCpuMilli: target.targetCpuMilli,
    shrinkHeldAtCpuMilli: held.heldAtCpuMilli,
    unboundedCpuMilli: limited.unboundedCpuMilli,
    growthLimitCpuMilli: limited.growthLimitCpuMilli,
    decreaseLimitCpuMilli: limited.decreaseLimitCpuMilli,
    cpuRule: rule,
    memoryRule: memoryResult.rule,
    memoryWorkingSetBytes: signal.memoryWorkingSetBytes,
    enactedMemoryBytes: signal.enactedMemoryBytes,
    unboundedMemoryBytes: memoryResult.unboundedMemoryBytes,
    oomKilled: signal.oomKilled,
    cpuBoundedBySla: cpu.bound,
    memoryBoundedBySla: memory.bound,
    // set by the evidence pooling; declared here so setting it adds no property to the object
    evidenceSeconds: undefined,
  };
  const memoryState = memoryResult.state;
  return {
    desired: { cpuMilli: cpu.value, memoryBytes: memory.value },
    // every field, in the order of RecommenderState: one hidden class for every pod's state
    state: {
      steps: state.steps + 1,
      previousError: pi.error,
      cpuCostMilliSecondsPerRequest: cost.cpuCostMilliSecondsPerRequest,
      modelCorrection: feedback.modelCorrection,
      latencyFloorSeconds: feedback.latencyFloorSeconds,
      latencyFit: feedback.latencyFit,
      previousRequestRate: window.requestRate,
      rateMean: rates.rateMean,
      rateVariance: rates.rateVariance,
      draining: hiddenDemand,
      evidence: state.evidence,
      lastDesired: state.lastDesired,
      recentTargets: held.recentTargets,
      peakWorkingSetBytes: memoryState.peakWorkingSetBytes,
      previousWorkingSetBytes: memoryState.previousWorkingSetBytes,
      workingSetStableSteps: memoryState.workingSetStableSteps,
      stepsSinceOom: memoryState.stepsSinceOom,
      oomAnsweredRestartCount: state.oomAnsweredRestartCount,
    },
    terms,
    reason: '',
  };
}
