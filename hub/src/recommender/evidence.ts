// Period awareness of the default law: windows shorter than the horizon its constants are tuned
// for are pooled into one evidence window; the law decides on a full window, or at once when urgent.
import type {
  EvidenceWindow,
  PodSignal,
  Recommendation,
  RecommendationTerms,
  RecommenderConfig,
  RecommenderState,
  Resources,
} from './types.ts';
import { assignState, formatCpu, formatMemory, initialRecommenderState, withEvidence } from './util.ts';

/** The pooled window is full within half a period of the horizon (jittered periods, periods not dividing it). */
const HORIZON_SLACK = 0.5;

/**
 * The pooled window after adding `signal`; restarts when the enacted CPU changed (a new operating point).
 * With `inPlace`, `previous` (the caller's own) is rewritten and returned; else it is left unchanged.
 */
export function poolWindow(
  previous: EvidenceWindow | undefined,
  signal: PodSignal,
  inPlace = false,
): EvidenceWindow {
  const base =
    previous === undefined || previous.enactedCpuMilli !== signal.enactedCpuMilli ? undefined : previous;
  const seconds = Math.max(0, signal.periodSeconds);
  const usageValid = signal.usageValid !== false;
  const hasRt = signal.responseTimeSeconds !== undefined;
  const rtWeight = hasRt ? Math.max(1, signal.requestCount) : 0;
  // each field reads only its own pooled value before writing it, so `w` may be `base` itself
  const w = (inPlace ? previous : undefined) ?? emptyWindow();
  w.seconds = (base?.seconds ?? 0) + seconds;
  w.requestCount = (base?.requestCount ?? 0) + Math.max(0, signal.requestCount);
  w.usageMilliSeconds = (base?.usageMilliSeconds ?? 0) + (usageValid ? signal.cpuUsageMilli * seconds : 0);
  w.usageSeconds = (base?.usageSeconds ?? 0) + (usageValid ? seconds : 0);
  w.throttledSeconds = (base?.throttledSeconds ?? 0) + (usageValid ? signal.throttledRatio * seconds : 0);
  w.responseSecondsWeighted =
    (base?.responseSecondsWeighted ?? 0) + (hasRt ? (signal.responseTimeSeconds ?? 0) * rtWeight : 0);
  w.responseWeight = (base?.responseWeight ?? 0) + rtWeight;
  w.peakWorkingSetBytes = Math.max(base?.peakWorkingSetBytes ?? 0, signal.memoryWorkingSetBytes);
  w.oomKilled = (base?.oomKilled ?? false) || signal.oomKilled;
  w.enactedCpuMilli = signal.enactedCpuMilli;
  return w;
}

function emptyWindow(): EvidenceWindow {
  return {
    enactedCpuMilli: 0,
    seconds: 0,
    requestCount: 0,
    usageMilliSeconds: 0,
    usageSeconds: 0,
    throttledSeconds: 0,
    responseSecondsWeighted: 0,
    responseWeight: 0,
    peakWorkingSetBytes: 0,
    oomKilled: false,
  };
}

/**
 * The pooled window as one signal: time-weighted usage and throttling, summed requests, the
 * request-weighted response-time statistic, the peak working set; the latest enacted allocation.
 */
export function pooledSignal(window: EvidenceWindow, latest: PodSignal): PodSignal {
  const seconds = Math.max(window.seconds, 1e-9);
  const usageValid = window.usageSeconds > 0;
  return {
    periodSeconds: window.seconds,
    enactedCpuMilli: latest.enactedCpuMilli,
    enactedMemoryBytes: latest.enactedMemoryBytes,
    cpuUsageMilli: usageValid ? window.usageMilliSeconds / window.usageSeconds : 0,
    throttledRatio: usageValid ? window.throttledSeconds / window.usageSeconds : 0,
    requestRate: window.requestCount / seconds,
    requestCount: window.requestCount,
    responseTimeSeconds:
      window.responseWeight > 0 ? window.responseSecondsWeighted / window.responseWeight : undefined,
    memoryWorkingSetBytes: window.peakWorkingSetBytes,
    oomKilled: window.oomKilled,
    usageValid,
  };
}

/**
 * Runs `law` on evidence pooled up to `tuning.evidenceSeconds`. A window that reaches the horizon
 * commits the law's decision and state; a shorter one commits only an urgent growth (hidden demand,
 * the SLO itself missed, memory short or an OOM kill) and otherwise holds the last decision.
 * At a period ≥ the horizon every window is full: the law runs unchanged. With `describe`, the law
 * leaves its reason empty and it is built here only for a decision that commits. With `inPlace`,
 * `previous` is the caller's own (its only copy, see recommend): updated in place and returned as the
 * result's state, so a pass keeps no new objects but the law's committed ones.
 */
export function recommendOnEvidence(
  config: RecommenderConfig,
  previous: RecommenderState | undefined,
  signal: PodSignal,
  law: (config: RecommenderConfig, state: RecommenderState | undefined, signal: PodSignal) => Recommendation,
  describe?: (config: RecommenderConfig, rec: Recommendation) => string,
  inPlace = false,
): Recommendation {
  const state = previous ?? initialRecommenderState();
  const t = config.tuning;
  const window = poolWindow(state.evidence, signal, inPlace);
  const pooled = pooledSignal(window, signal);
  // The law never reads the pooled evidence: it gets the committed state as it stands, and its
  // result (fresh objects, owned here) is completed in place rather than copied.
  const result = law(config, previous, pooled);
  const full = window.seconds >= t.evidenceSeconds - HORIZON_SLACK * Math.max(signal.periodSeconds, 0);
  // Urgent only beyond what is already asked for: a growth still being enacted is not re-asked.
  const standing = state.lastDesired ?? {
    cpuMilli: signal.enactedCpuMilli,
    memoryBytes: signal.enactedMemoryBytes,
  };
  const grows =
    result.desired.cpuMilli > Math.max(signal.enactedCpuMilli, standing.cpuMilli) * (1 + t.deadbandFraction);
  const rt = pooled.responseTimeSeconds;
  // Memory is urgent only when the working set has eaten half the margin above it: a working set that
  // grows with a backlog would otherwise re-ask (and so restart) the resize every period.
  const memoryRoom = Math.max(signal.enactedMemoryBytes, standing.memoryBytes);
  const memoryShort =
    result.desired.memoryBytes > memoryRoom * (1 + t.memoryStableFraction) &&
    window.peakWorkingSetBytes * (1 + t.memoryMargin / 2) > memoryRoom;
  const urgent =
    window.oomKilled ||
    memoryShort ||
    (grows &&
      (result.terms.hiddenDemand === true ||
        (rt !== undefined && rt > config.sloSeconds && window.requestCount >= t.minRequestsForFeedback)));
  if (full || urgent) {
    // Pooled windows: a decision within the deadband of the standing one keeps it, so a resize
    // still being enacted is not superseded by a near-copy (which would restart it).
    // The last step up to the SLA max is always taken: a pod kept just below its max would want
    // more than the max yet never count as held there, and no replica would come.
    const pooling = window.seconds > signal.periodSeconds;
    const reachesMax =
      result.desired.cpuMilli >= config.maxCpuMilli && standing.cpuMilli < config.maxCpuMilli;
    const near =
      pooling &&
      !window.oomKilled &&
      !reachesMax &&
      Math.abs(result.desired.cpuMilli - standing.cpuMilli) <= t.deadbandFraction * standing.cpuMilli &&
      Math.abs(result.desired.memoryBytes - standing.memoryBytes) <=
        t.memoryStableFraction * standing.memoryBytes;
    // An urgent decision on a short window never lowers the standing one: during a surge each short
    // window sees a different slice (fewer requests, a lower growth limit), and a resize re-asked
    // smaller, then larger, is restarted every time and never enacted.
    const desired = near
      ? standing
      : full
        ? result.desired
        : {
            cpuMilli: Math.max(result.desired.cpuMilli, standing.cpuMilli),
            memoryBytes: Math.max(result.desired.memoryBytes, standing.memoryBytes),
          };
    // the law's own reason, for the decision it took (before it is held or kept as below)
    if (describe) result.reason = describe(config, result);
    result.desired = desired;
    result.state.evidence = undefined;
    result.state.lastDesired = desired;
    result.terms.evidenceSeconds = window.seconds;
    if (inPlace && previous) result.state = assignState(previous, result.state);
    return result;
  }
  const held = standing;
  const terms = result.terms;
  terms.cpuRule = 'pooling';
  terms.evidenceSeconds = window.seconds;
  if (inPlace) state.evidence = window;
  return new HeldWhilePooling(held, inPlace ? state : withEvidence(state, window), terms, t.evidenceSeconds);
}

/**
 * The standing decision held while evidence pools. Its reason is built when read: on most passes of
 * most pods nothing reads it (only a decision that differs from the enacted size is logged).
 */
class HeldWhilePooling implements Recommendation {
  desired: Resources;
  state: RecommenderState;
  terms: RecommendationTerms;
  readonly #horizonSeconds: number;

  constructor(
    desired: Resources,
    state: RecommenderState,
    terms: RecommendationTerms,
    horizonSeconds: number,
  ) {
    this.desired = desired;
    this.state = state;
    this.terms = terms;
    this.#horizonSeconds = horizonSeconds;
  }

  get reason(): string {
    return (
      `cpu ${formatCpu(this.desired.cpuMilli)}, memory ${formatMemory(this.desired.memoryBytes)} held (pooling): ` +
      `${(this.terms.evidenceSeconds ?? 0).toFixed(1)} of ${this.#horizonSeconds} s of evidence, nothing urgent`
    );
  }
}
