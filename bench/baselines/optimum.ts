// Offline optimum: the least cores that meet the SLO in every interval, knowing the future rate and the
// true per-request cost, with a perfect split across pods — the lower bound of core-seconds.
import type { Statistic } from '../../lib/api/types.ts';

export type OptimumInput = {
  rateAt: (tSeconds: number) => number;
  durationSeconds: number;
  intervalSeconds: number;
  sloSeconds: number;
  statistic: Statistic;
  /** No contender may go below the SLA floor: minReplicas × minCpu. */
  floorCores: number;
  /** Least cores one pod needs to serve `rps` within the SLO (the workload model's steady state). */
  coresForRate: (rps: number, sloSeconds: number, statistic: Statistic) => number;
};

export type OptimumResult = {
  coreSeconds: number;
  /** Cores in each interval (index i covers [i·interval, (i+1)·interval)). */
  cores: Float64Array;
};

/**
 * One pooled server per service is the cheapest split (the queueing term q·D/SLO is paid once), so the
 * bound per interval is coresForRate(peak rate within the interval), at least the SLA floor.
 */
export function offlineOptimum(input: OptimumInput): OptimumResult {
  const n = Math.ceil(input.durationSeconds / input.intervalSeconds);
  const cores = new Float64Array(n);
  let coreSeconds = 0;
  for (let i = 0; i < n; i++) {
    const start = i * input.intervalSeconds;
    const end = Math.min(input.durationSeconds, start + input.intervalSeconds);
    let peak = 0;
    for (let t = start; t < end; t += 1) peak = Math.max(peak, input.rateAt(t));
    const c = Math.max(input.floorCores, input.coresForRate(peak, input.sloSeconds, input.statistic));
    cores[i] = c;
    coreSeconds += c * (end - start);
  }
  return { coreSeconds, cores };
}
