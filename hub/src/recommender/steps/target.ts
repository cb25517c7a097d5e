// Step 5 of the default law: which rule sets the CPU target before hidden demand and limits —
// the feed-forward; with too little traffic, a decay toward what the model says one request needs
// (never the SLA minimum) or a hold; the KOSMOS PI law while there is no model; a hold without usage.
import type { CpuRule, KosmosTuning, RecommenderConfig } from '../types.ts';
import { clamp } from '../util.ts';
import type { OperatingPoint } from './window.ts';

const PI_ERROR_CLAMP = 10;

export interface PiTerms {
  /** e_k = clamp(1/target − 1/RT, ±10), 0 when idle, 1/s; e_{k−1} (e_k on the first step). */
  error: number;
  previousError: number;
  /** enacted + BC·(e_k − e_{k−1}) + DC·e_k, millicores. */
  piCpuMilli: number;
}

/** The KOSMOS PI law on the aimed-at target: the fallback while there is no cost model. */
export function piFallback(
  gains: RecommenderConfig['gains'],
  window: Pick<OperatingPoint, 'idle' | 'targetResponseSeconds' | 'responseTimeSeconds' | 'enactedCpuMilli'>,
  previousError: number | undefined,
): PiTerms {
  const rt = window.responseTimeSeconds;
  const error =
    window.idle || rt === undefined
      ? 0
      : clamp(1 / window.targetResponseSeconds - 1 / Math.max(rt, 1e-9), -PI_ERROR_CLAMP, PI_ERROR_CLAMP);
  const previous = previousError ?? error;
  const piCpuMilli = window.enactedCpuMilli + gains.bc * (error - previous) + gains.dc * error;
  return { error, previousError: previous, piCpuMilli };
}

export interface CpuTarget {
  rule: CpuRule;
  targetCpuMilli: number;
}

/**
 * no usage → hold; no model → PI, or hold when idle; model and idle → decay toward
 * max(feed-forward, usage·(1 + idleUsageHeadroom)) (the rate limits pace it); else the feed-forward.
 */
export function chooseTarget(
  tuning: Pick<KosmosTuning, 'idleUsageHeadroom'>,
  window: Pick<OperatingPoint, 'usageValid' | 'idle' | 'enactedCpuMilli' | 'usageCpuMilli'>,
  feedForwardCpuMilli: number | undefined,
  piCpuMilli: number,
): CpuTarget {
  if (!window.usageValid) return { rule: 'no-usage', targetCpuMilli: window.enactedCpuMilli };
  if (feedForwardCpuMilli === undefined) {
    return window.idle
      ? { rule: 'idle-hold', targetCpuMilli: window.enactedCpuMilli }
      : { rule: 'pi', targetCpuMilli: piCpuMilli };
  }
  if (window.idle) {
    return {
      rule: 'idle-model',
      targetCpuMilli: Math.max(feedForwardCpuMilli, window.usageCpuMilli * (1 + tuning.idleUsageHeadroom)),
    };
  }
  return { rule: 'feed-forward', targetCpuMilli: feedForwardCpuMilli };
}
