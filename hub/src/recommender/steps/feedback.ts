// Step 3 of the default law: feedback on the queueing model's error. The observed idle capacity
// h = enacted − usage predicts statistic = q·cost/h; the learned correction moves toward RT / that
// in log space, fast up, slowly down, and only where the queueing delay dominates.
import type { KosmosTuning } from '../types.ts';
import { clamp } from '../util.ts';
import type { OperatingPoint } from './window.ts';

export interface CorrectionEstimate {
  modelCorrection: number;
  /** This window's RT / model RT, clamped; undefined when the window identifies nothing. */
  correctionSample: number | undefined;
}

export function identifyCorrection(
  tuning: Pick<KosmosTuning, 'identifyUtilization' | 'correction' | 'correctionGain'>,
  window: Pick<
    OperatingPoint,
    | 'trains'
    | 'idle'
    | 'violating'
    | 'utilization'
    | 'enactedCpuMilli'
    | 'usageCpuMilli'
    | 'responseTimeSeconds'
    | 'statisticFactor'
  >,
  model: {
    previousCorrection: number;
    cpuCostMilliSecondsPerRequest: number | undefined;
    hiddenDemand: boolean;
    /** The previous step saw hidden demand: a backlog drains, the queue is not in steady state. */
    draining: boolean | undefined;
  },
): CorrectionEstimate {
  const t = tuning;
  const rt = window.responseTimeSeconds;
  const cost = model.cpuCostMilliSecondsPerRequest;
  let correction = model.previousCorrection;
  let correctionSample: number | undefined;
  const inBand =
    window.utilization >= t.identifyUtilization.min && window.utilization <= t.identifyUtilization.max;
  const identifiable =
    window.utilization < t.identifyUtilization.max && !model.hiddenDemand && !model.draining;
  if (
    window.trains &&
    !window.idle &&
    rt !== undefined &&
    identifiable &&
    cost !== undefined &&
    cost > 0 &&
    (inBand || window.violating)
  ) {
    const modelSeconds = (window.statisticFactor * cost) / (window.enactedCpuMilli - window.usageCpuMilli);
    correctionSample = clamp(rt / modelSeconds, t.correction.min, t.correction.max);
    const rising = correctionSample > correction;
    // Lowering is only trusted where the queueing delay dominates (inside the utilization band).
    if (rising || inBand) {
      const gain = rising ? t.correctionGain.up : t.correctionGain.down;
      correction = clamp(
        Math.exp(Math.log(correction) + gain * (Math.log(correctionSample) - Math.log(correction))),
        t.correction.min,
        t.correction.max,
      );
    }
  }
  return { modelCorrection: correction, correctionSample };
}
