// Static allocation: a fixed replica count and pod size, chosen once for the mean load, never changed.
import type { Statistic } from '../../lib/api/types.ts';

export type StaticSizingInput = {
  meanRps: number;
  sloSeconds: number;
  statistic: Statistic;
  minReplicas: number;
  maxReplicas: number;
  minCpuMilli: number;
  maxCpuMilli: number;
  /** Least cores one pod needs to serve `rps` within the SLO (the workload model's steady state). */
  coresForRate: (rps: number, sloSeconds: number, statistic: Statistic) => number;
};

export type StaticSizing = { replicas: number; cpuMilli: number };

/** Fewest replicas whose equal share of the mean load fits one pod's max CPU, each sized just for that share. */
export function staticSizing(input: StaticSizingInput): StaticSizing {
  for (let n = Math.max(1, input.minReplicas); n <= input.maxReplicas; n++) {
    const cpuMilli = Math.ceil(
      input.coresForRate(input.meanRps / n, input.sloSeconds, input.statistic) * 1000,
    );
    if (cpuMilli <= input.maxCpuMilli)
      return { replicas: n, cpuMilli: Math.max(cpuMilli, input.minCpuMilli) };
  }
  return { replicas: input.maxReplicas, cpuMilli: input.maxCpuMilli };
}

/** Time-average of a rate function over [0, durationSeconds), sampled every `stepSeconds`. */
export function meanRate(rateAt: (t: number) => number, durationSeconds: number, stepSeconds = 1): number {
  let sum = 0;
  let n = 0;
  for (let t = 0; t < durationSeconds; t += stepSeconds) {
    sum += rateAt(t);
    n++;
  }
  return n > 0 ? sum / n : 0;
}
