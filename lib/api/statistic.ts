// The SLA statistic (ServiceLevelAgreement spec.objective.statistic) read out of a response-time
// summary; shared by the hub's signals and the discrete simulator.
import type { Statistic } from './types.ts';

/** A response-time summary in seconds (the wire's ResponseTimeWindow, the simulator's RtStats). */
export interface ResponseTimeSummary {
  meanSeconds: number;
  p50Seconds: number;
  p90Seconds: number;
  p95Seconds: number;
  p99Seconds: number;
}

/** The seconds of `statistic` in `rt`; p95 (the CRD default) for a value outside Statistic. */
export function statisticSeconds(rt: ResponseTimeSummary, statistic: Statistic): number {
  switch (statistic) {
    case 'mean':
      return rt.meanSeconds;
    case 'p50':
      return rt.p50Seconds;
    case 'p90':
      return rt.p90Seconds;
    case 'p99':
      return rt.p99Seconds;
    default:
      return rt.p95Seconds;
  }
}
