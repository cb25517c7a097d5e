// The original KOSMOS control law, reproduced with its constants and its known faults (no memory
// sizing, no traffic drives the pod to the minimum): the baseline kosmos is measured against.
import { KOSMOS_PI } from './defaults.ts';
import type { PodSignal, Recommendation, RecommenderConfig, RecommenderState } from './types.ts';
import { boundBy, formatCpu, initialRecommenderState } from './util.ts';

/**
 * Velocity-form PI on the error of inverse response times (e in 1/s, CPU in millicores):
 *   e_k = clamp(1/SLO − 1/RT_k, ±10)          (RT = 0 or no request finished → e = −10)
 *   u_k = c_k + BC·(e_k − e_{k−1}) + DC·e_k    (c_k = enacted CPU: anti-windup; e_{−1} = e_0)
 *   u_k ≤ maxGrowthFactor·c_k (1.5), then clamped to [min, max].
 * Memory is held at the enacted value (the original never sized it).
 */
export function recommendKosmosPi(
  config: RecommenderConfig,
  previous: RecommenderState | undefined,
  signal: PodSignal,
): Recommendation {
  const state = previous ?? initialRecommenderState();
  const enacted = signal.enactedCpuMilli;
  const rt = signal.responseTimeSeconds ?? 0;
  const inverseRt = rt > 0 ? 1 / rt : Number.POSITIVE_INFINITY;
  const error = Math.min(
    KOSMOS_PI.errorClamp,
    Math.max(-KOSMOS_PI.errorClamp, 1 / config.sloSeconds - inverseRt),
  );
  const { bc, dc } = config.gains;
  const previousError = state.previousError ?? error;
  const pi = enacted + bc * (error - previousError) + dc * error;
  const growthLimit = enacted * config.maxGrowthFactor;
  const limited = Math.round(Math.min(pi, growthLimit));
  const cpu = boundBy(limited, config.minCpuMilli, config.maxCpuMilli);
  const memory = boundBy(signal.enactedMemoryBytes, config.minMemoryBytes, config.maxMemoryBytes);
  const desired = { cpuMilli: cpu.value, memoryBytes: memory.value };
  return {
    desired,
    state: { ...state, steps: state.steps + 1, previousError: error },
    terms: {
      controller: config.controller,
      sloSeconds: config.sloSeconds,
      statistic: config.statistic,
      enactedCpuMilli: enacted,
      cpuUsageMilli: signal.cpuUsageMilli,
      requestRate: signal.requestRate,
      requestCount: signal.requestCount,
      responseTimeSeconds: signal.responseTimeSeconds,
      throttledRatio: signal.throttledRatio,
      error,
      previousError,
      piCpuMilli: pi,
      targetCpuMilli: pi,
      unboundedCpuMilli: limited,
      growthLimitCpuMilli: growthLimit,
      decreaseLimitCpuMilli: 0,
      cpuRule: 'pi',
      memoryRule: 'hold',
      memoryWorkingSetBytes: signal.memoryWorkingSetBytes,
      enactedMemoryBytes: signal.enactedMemoryBytes,
      unboundedMemoryBytes: signal.enactedMemoryBytes,
      oomKilled: signal.oomKilled,
      cpuBoundedBySla: cpu.bound,
      memoryBoundedBySla: memory.bound,
    },
    reason:
      `cpu ${formatCpu(enacted)} → ${formatCpu(desired.cpuMilli)} (pi: e=${error.toFixed(3)}/s, ` +
      `rt ${rt > 0 ? `${(rt * 1000).toFixed(0)}ms` : 'none'} vs slo ${(config.sloSeconds * 1000).toFixed(0)}ms)`,
  };
}
