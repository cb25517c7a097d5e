// Shapes of the per-pod vertical recommender: what it observes, how it is configured,
// what it remembers between steps and what it returns (including every term, for logging).
import type { ControllerName, Statistic } from '../../../lib/api/types.ts';

/** An allocation: CPU in millicores, memory in bytes (integers). */
export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
}

/** What one pod did during the last observation window (one control period). */
export interface PodSignal {
  /** Length of the observation window, seconds (the control period, 5 s by default). */
  periodSeconds: number;
  /** CPU the kubelet has applied to the container (limit = request), millicores. */
  enactedCpuMilli: number;
  /** Memory the kubelet has applied to the container, bytes. */
  enactedMemoryBytes: number;
  /** Average CPU rate over the window, millicores. */
  cpuUsageMilli: number;
  /** Fraction of CFS periods in which the container was throttled, 0..1. */
  throttledRatio: number;
  /** Requests finished per second over the window. */
  requestRate: number;
  /** Requests finished in the window. */
  requestCount: number;
  /** The SLA statistic (mean, p90, ...) of response time in the window; undefined when none finished. */
  responseTimeSeconds?: number;
  /** Memory working set (cgroup usage minus inactive file), bytes. */
  memoryWorkingSetBytes: number;
  /**
   * The container's last termination was an OOM kill. As input to recommend(): the kubelet's
   * lastState, true on every window until the next termination; recommend() answers it once per
   * restartCount, and the law sees it only on the window it is answered.
   */
  oomKilled: boolean;
  /** The container's restart count, as the kubelet reports it (undefined: each oomKilled is a new kill). */
  restartCount?: number;
  /** False when the usage could not be read this window (cgroup vanished); usage fields are then ignored. Default true. */
  usageValid?: boolean;
}

/** Tuning of the default `kosmos` law. Every field has a default in RECOMMENDER_DEFAULTS. */
export interface KosmosTuning {
  /** Aim the SLA statistic at sloSeconds / sloMargin (> 1 leaves room for noise). */
  sloMargin: number;
  /** Weight of a new cost-per-request sample in its EWMA, 0..1. */
  costSmoothing: number;
  /** Finished requests in a window needed before the window trains the model. */
  minRequestsForModel: number;
  /** Finished requests in a window below which the response time is not trusted (idle). */
  minRequestsForFeedback: number;
  /** Finished requests in a window above which a measured surge may exceed maxGrowthFactor. */
  confidentRequestCount: number;
  /** Largest growth per step the feed-forward may take on a confident rate measurement. */
  surgeGrowthFactor: number;
  /** Fraction of a rate increase since the previous window added as a trend, 0..1. */
  rateTrendGain: number;
  /**
   * Load margin for the next window's rate: the Poisson standard deviation of a rate measured over
   * one period, √(rate/period), times this many sigmas, is added to the rate.
   */
  rateNoiseSigmas: number;
  /**
   * Weight of a new window in the running mean and variance of the window request rate, 0..1. The
   * variance holds what the traffic's burstiness adds to the Poisson noise; the load is planned for
   * mean + rateNoiseSigmas·σ when that exceeds the current window's rate plus its noise.
   */
  rateStatsSmoothing: number;
  /**
   * Horizon the per-step constants are tuned for, seconds: shorter control periods pool their
   * windows until this much evidence is in (see evidence.ts), acting earlier only when urgent.
   */
  evidenceSeconds: number;
  /** Utilization band in which the queueing-model correction is identified. */
  identifyUtilization: { min: number; max: number };
  /** Bounds of the learned queueing-model correction factor. */
  correction: { min: number; max: number };
  /**
   * Weight of a new window in the latency fit RT = floor + correction·(queueing model), 0..1
   * (steps/feedback.ts): the fit forgets older windows by (1 − this) per window.
   */
  latencyFitSmoothing: number;
  /**
   * Weight, against the fit's total of 1, of the prior floor 0 and correction 1 (the model exact): it
   * decides between the two where the windows seen do not.
   */
  latencyFitPrior: number;
  /**
   * The queueing delay is aimed at the target minus the learned non-CPU floor, but at no less than this
   * fraction of the target: beyond it more CPU buys too little of the statistic.
   */
  queueingTargetFraction: number;
  /**
   * usage ≥ this × enacted, or throttledRatio ≥ throttledRatioSaturated, means the pod is CPU-bound;
   * CPU-bound with the SLO violated means its demand is hidden by the quota.
   */
  saturatedUtilization: number;
  throttledRatioSaturated: number;
  /** Hidden demand: feed-forward + backlogFactor × backlog/period (1 = hidden arrivals, 2 = also drain it in one period). */
  backlogFactor: number;
  /** Hidden demand grows CPU by at least this factor. */
  minSaturatedGrowthFactor: number;
  /** Largest fraction CPU may shrink by in one step. */
  maxDecreaseFraction: number;
  /** Relative change below which CPU is left alone unless the SLO is at risk. */
  deadbandFraction: number;
  /**
   * Directional hysteresis (steps/shrink-hold.ts): CPU shrinks only to the highest target of this many
   * seconds of evidence, and not while the aimed-at response time is missed; growth is never held. 0: off.
   */
  shrinkHoldSeconds: number;
  /** Without traffic and without a model: extra room kept above usage, fraction. */
  idleUsageHeadroom: number;
  /**
   * Memory: peak × (1 + memoryMargin) + memoryFloorBytes, peak = the working set's running peak
   * (max of the window's peak and the previous peak decayed by memoryPeakDecay per step): the margin
   * is room for requests in flight to grow during a burst.
   */
  memoryMargin: number;
  memoryFloorBytes: number;
  memoryPeakDecay: number;
  /** OOM bump: max(enacted × (1 + oomBumpFraction), enacted + oomBumpBytes). */
  oomBumpFraction: number;
  oomBumpBytes: number;
  /** Memory may shrink by at most this fraction per step, and only when the working set is stable
   *  (half: one step from a manifest's size down to the need in most cases; each step is a resize). */
  maxMemoryDecreaseFraction: number;
  /** Working set counts as stable when it moved less than this fraction for memoryStableSteps steps. */
  memoryStableFraction: number;
  memoryStableSteps: number;
  /** Steps after an OOM kill during which memory is never decreased. */
  memoryHoldStepsAfterOom: number;
  /** Memory allocations are rounded up to a multiple of this, bytes. */
  memoryGranularityBytes: number;
}

/**
 * The numbers of an SLA that one pod is held to: the response-time objective and the per-pod CPU and
 * memory bounds. Typed once: the recommender's config and the simulator's parsed SLA both extend it.
 */
export interface SlaBounds {
  /** The response-time objective, seconds. */
  sloSeconds: number;
  /** Which statistic of the response time the objective is on (and responseTimeSeconds carries). */
  statistic: Statistic;
  minCpuMilli: number;
  maxCpuMilli: number;
  minMemoryBytes: number;
  maxMemoryBytes: number;
}

/** Configuration of one pod's recommender (derived from its SLA). */
export interface RecommenderConfig extends SlaBounds {
  controller: ControllerName;
  /** KOSMOS PI gains in millicore-seconds (e in 1/s): BC (proportional on Δe), DC (integral). */
  gains: { bc: number; dc: number };
  /** Largest factor CPU may grow by in one step (feedback); `kosmos-pi` uses 1.5, `kosmos` 2. */
  maxGrowthFactor: number;
  tuning: KosmosTuning;
}

/** What the recommender remembers about one pod between steps. Plain data (serializable). */
export interface RecommenderState {
  /** Steps taken so far. */
  steps: number;
  /** Previous error e_{k−1} of the PI law (1/s); undefined before the first step (then e_{k−1} = e_k). */
  previousError?: number;
  /** EWMA of CPU cost per request, core-milliseconds per request (= millicore-seconds). */
  cpuCostMilliSecondsPerRequest?: number;
  /** Learned multiplicative correction of the queueing model (1 = the model is exact). */
  modelCorrection: number;
  /** Learned non-CPU latency of the SLA statistic, seconds (steps/feedback.ts). */
  latencyFloorSeconds?: number;
  /** The latency fit's exponentially forgotten sums (steps/feedback.ts). */
  latencyFit?: LatencyFit;
  /** Request rate of the previous window, req/s (for the trend term). */
  previousRequestRate?: number;
  /** Running mean and variance of the window request rate, req/s and (req/s)². */
  rateMean?: number;
  rateVariance?: number;
  /** The previous step saw hidden demand (a backlog): this window is a drain, not a steady state. */
  draining?: boolean;
  /** Windows pooled since the last decision (periods shorter than tuning.evidenceSeconds). */
  evidence?: EvidenceWindow;
  /** The last committed decision, held while evidence is pooled. */
  lastDesired?: Resources;
  /** CPU targets inside the shrink hold (steps/shrink-hold.ts), oldest first. */
  recentTargets?: HeldTarget[];
  /** Running peak of the working set, bytes (decays by memoryPeakDecay per step). */
  peakWorkingSetBytes?: number;
  /** Working set of the previous window, bytes, and how many consecutive steps it stayed stable. */
  previousWorkingSetBytes?: number;
  workingSetStableSteps: number;
  /** Steps since the last OOM kill (undefined: none seen). */
  stepsSinceOom?: number;
  /** The restart count whose OOM kill was last answered (recommend.ts isNewOomKill). */
  oomAnsweredRestartCount?: number;
}

/**
 * Sums of the latency fit, each window weighted by latencyFitSmoothing and older ones forgotten:
 * total weight, Σx, Σy, Σx², Σxy with x the queueing model's statistic and y the observed one, both in
 * units of the aimed-at target.
 */
export interface LatencyFit {
  weight: number;
  x: number;
  y: number;
  xx: number;
  xy: number;
}

/** A CPU target the law set `ageSeconds` of evidence ago. */
export interface HeldTarget {
  ageSeconds: number;
  cpuMilli: number;
}

/** Sums over the windows pooled since the last decision, at one enacted CPU. */
export interface EvidenceWindow {
  enactedCpuMilli: number;
  seconds: number;
  requestCount: number;
  /** Σ usage × window seconds over windows with a valid usage, and those windows' seconds. */
  usageMilliSeconds: number;
  usageSeconds: number;
  /** Σ throttled ratio × window seconds over windows with a valid usage. */
  throttledSeconds: number;
  /** Σ response-time statistic × finished requests, and Σ finished requests, over windows with one. */
  responseSecondsWeighted: number;
  responseWeight: number;
  peakWorkingSetBytes: number;
  oomKilled: boolean;
}

/** Which rule decided the CPU value. */
export type CpuRule =
  | 'pi' // the KOSMOS PI law
  | 'feed-forward' // queueing model on the measured rate and cost
  | 'saturated' // CPU-bound and violating: the quota hides the demand, grow multiplicatively
  | 'idle-hold' // too little traffic and no model: hold
  | 'idle-model' // too little traffic: decay toward what the model says one request needs
  | 'no-usage' // usage unreadable: hold
  | 'shrink-hold' // a lower target held at the highest target of the last shrinkHoldSeconds (hysteresis)
  | 'deadband' // change too small to be worth a resize
  | 'pooling'; // window shorter than the evidence horizon and nothing urgent: hold the last decision

/** Which rule decided the memory value. */
export type MemoryRule = 'hold' | 'working-set' | 'oom-bump' | 'decrease-limited' | 'unstable-hold';

/** Every input and intermediate term of one recommendation, for one structured log line. */
export interface RecommendationTerms {
  controller: ControllerName;
  sloSeconds: number;
  statistic: Statistic;
  enactedCpuMilli: number;
  cpuUsageMilli: number;
  requestRate: number;
  requestCount: number;
  responseTimeSeconds?: number;
  throttledRatio: number;
  /** PI law: e_k = clamp(1/SLO − 1/RT), previous error, raw output. */
  error?: number;
  previousError?: number;
  piCpuMilli?: number;
  /** kosmos: model terms. */
  rateNoiseMargin?: number;
  /** Running mean and standard deviation of the window request rate, req/s. */
  rateMean?: number;
  rateDeviation?: number;
  targetResponseSeconds?: number;
  statisticFactor?: number;
  costSampleMilliSecondsPerRequest?: number;
  cpuCostMilliSecondsPerRequest?: number;
  modelCorrection?: number;
  latencyFloorSeconds?: number;
  correctionSample?: number;
  predictedRequestRate?: number;
  loadCpuMilli?: number;
  headroomCpuMilli?: number;
  feedForwardCpuMilli?: number;
  /** CPU to meet the SLO at the mean rate without margins (no rate noise, trend or sloMargin). */
  essentialCpuMilli?: number;
  cpuBound?: boolean;
  hiddenDemand?: boolean;
  /** Work queued in a saturated pod spread over one period, millicores. */
  backlogCpuMilli?: number;
  idle?: boolean;
  /** Seconds of pooled evidence the decision rests on. */
  evidenceSeconds?: number;
  /** CPU target before the shrink hold, growth/decrease limits and SLA bounds. */
  targetCpuMilli: number;
  /** The floor the shrink hold kept a lower target at (steps/shrink-hold.ts); absent when none held. */
  shrinkHeldAtCpuMilli?: number;
  /** CPU after growth/decrease limits, before SLA bounds (what the service needs from this pod). */
  unboundedCpuMilli: number;
  growthLimitCpuMilli: number;
  decreaseLimitCpuMilli: number;
  cpuRule: CpuRule;
  memoryRule: MemoryRule;
  memoryWorkingSetBytes: number;
  enactedMemoryBytes: number;
  /** Memory before SLA bounds. */
  unboundedMemoryBytes: number;
  oomKilled: boolean;
  /** The SLA bound cut the CPU / memory value. */
  cpuBoundedBySla: 'min' | 'max' | 'none';
  memoryBoundedBySla: 'min' | 'max' | 'none';
}

export interface Recommendation {
  desired: Resources;
  state: RecommenderState;
  terms: RecommendationTerms;
  /** One human sentence: "cpu 200m → 300m: p95 250ms > 200ms (feed-forward)". */
  reason: string;
}

/** The recommender: pure, one call per pod per control period. */
export type RecommendFn = (
  config: RecommenderConfig,
  state: RecommenderState | undefined,
  signal: PodSignal,
) => Recommendation;
