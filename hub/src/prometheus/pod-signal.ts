// A Prometheus-sourced pod's signal: the agent's window (usage, throttling, memory, enacted) with the
// request rate and response time replaced by the hub's own sample from Prometheus. Pure.
import type { PodSignal } from '../recommender/types.ts';
import type { PrometheusPodSample } from './samples.ts';

/** `signal` with Prometheus's rate and response time; finished requests = rate × the window. */
export function withPrometheusSample(
  signal: PodSignal,
  sample: PrometheusPodSample & { ok: true },
): PodSignal {
  const { responseTimeSeconds: _scraped, ...rest } = signal;
  const requestCount = sample.requestRate * signal.periodSeconds;
  return {
    ...rest,
    requestRate: sample.requestRate,
    requestCount,
    ...(sample.requestRate > 0 && sample.responseTimeSeconds !== undefined
      ? { responseTimeSeconds: sample.responseTimeSeconds }
      : {}),
  };
}
