// Step 0 of the default law: what it reads off one window before deciding — the operating point
// and the flags every later step branches on (idle, trains the model, CPU-bound, pegged, violating).
import { statisticFactor } from '../queueing.ts';
import type { PodSignal, RecommenderConfig } from '../types.ts';

/** One window as the law sees it. Derived from the signal alone; no state. */
export interface OperatingPoint {
  /** Enacted CPU, at least 1 millicore (it divides below), millicores. */
  enactedCpuMilli: number;
  usageValid: boolean;
  /** CPU usage, 0 when unreadable, millicores. */
  usageCpuMilli: number;
  /** Finished requests per second, ≥ 0. */
  requestRate: number;
  requestCount: number;
  responseTimeSeconds: number | undefined;
  periodSeconds: number;
  /** The SLA statistic over the mean response time (queueing.ts). */
  statisticFactor: number;
  /** What the statistic is aimed at: sloSeconds / sloMargin; and the mean that gives it. */
  targetResponseSeconds: number;
  meanTargetSeconds: number;
  /** usage / enacted. */
  utilization: number;
  /** Too few requests (or none finished) to trust the response time. */
  idle: boolean;
  /** Enough requests, and a readable usage, to train the cost model. */
  trains: boolean;
  /** Near the quota or throttled: usage may not show the demand. */
  cpuBound: boolean;
  /** Near the quota by usage alone. */
  pegged: boolean;
  /** The statistic missed the aimed-at target (not the SLO itself). */
  violating: boolean;
}

export function readWindow(
  config: Pick<RecommenderConfig, 'sloSeconds' | 'statistic' | 'tuning'>,
  signal: PodSignal,
): OperatingPoint {
  const t = config.tuning;
  const enacted = Math.max(1, signal.enactedCpuMilli);
  const usageValid = signal.usageValid !== false;
  const usage = usageValid ? Math.max(0, signal.cpuUsageMilli) : 0;
  const rate = Math.max(0, signal.requestRate);
  const rt = signal.responseTimeSeconds;
  const q = statisticFactor(config.statistic);
  const targetResponseSeconds = config.sloSeconds / t.sloMargin;
  const utilization = usage / enacted;
  return {
    enactedCpuMilli: enacted,
    usageValid,
    usageCpuMilli: usage,
    requestRate: rate,
    requestCount: signal.requestCount,
    responseTimeSeconds: rt,
    periodSeconds: signal.periodSeconds,
    statisticFactor: q,
    targetResponseSeconds,
    meanTargetSeconds: targetResponseSeconds / q,
    utilization,
    idle: signal.requestCount < t.minRequestsForFeedback || rt === undefined,
    trains: usageValid && signal.requestCount >= t.minRequestsForModel && rate > 0,
    cpuBound:
      usageValid &&
      (utilization >= t.saturatedUtilization || signal.throttledRatio >= t.throttledRatioSaturated),
    pegged: usageValid && utilization >= t.saturatedUtilization,
    violating: rt !== undefined && rt > targetResponseSeconds,
  };
}
