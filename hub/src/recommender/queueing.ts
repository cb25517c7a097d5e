// Queueing model behind the feed-forward: a pod as a processor-sharing server whose speed is its
// CPU allocation, and the link between the mean response time and the SLA statistic.
import type { Statistic } from '../../../lib/api/types.ts';

/**
 * Ratio statistic / mean of the response time when it is roughly exponential (M/M/1):
 * the p-quantile is mean · ln(1/(1−p)). mean → 1, p50 → 0.69, p90 → 2.30, p95 → 3.00, p99 → 4.61.
 */
export function statisticFactor(statistic: Statistic): number {
  switch (statistic) {
    case 'mean':
      return 1;
    case 'p50':
      return Math.log(2);
    case 'p90':
      return Math.log(10);
    case 'p95':
      return Math.log(20);
    case 'p99':
      return Math.log(100);
  }
}

/**
 * Mean response time of a processor-sharing server with capacity `capacityCpuMilli` serving
 * requests that each cost `costMilliSecondsPerRequest` core-milliseconds at `loadCpuMilli`
 * (= rate × cost): D/(1−ρ) with D = cost/capacity, ρ = load/capacity, i.e. cost/(capacity − load)
 * seconds. Infinity when the server is saturated.
 */
export function meanResponseSeconds(
  costMilliSecondsPerRequest: number,
  capacityCpuMilli: number,
  loadCpuMilli: number,
): number {
  const headroom = capacityCpuMilli - loadCpuMilli;
  return headroom > 0 ? costMilliSecondsPerRequest / headroom : Number.POSITIVE_INFINITY;
}

/**
 * Idle capacity a processor-sharing server needs so that its mean response time is
 * `meanResponseTargetSeconds`: solving cost/(c − load) = T gives c = load + cost/T. The chosen
 * utilization is therefore ρ* = load/(load + cost/T) = 1/(1 + 1/(rate·T)): the more requests
 * arrive within one target response time, the hotter the pod may run.
 */
export function headroomCpuMilli(
  costMilliSecondsPerRequest: number,
  meanResponseTargetSeconds: number,
): number {
  return costMilliSecondsPerRequest / meanResponseTargetSeconds;
}
