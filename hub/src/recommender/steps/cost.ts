// Step 1 of the default law: the CPU cost of one request (core-ms per request), an EWMA of
// usage / rate over the windows that train the model.
import type { OperatingPoint } from './window.ts';

export interface CostEstimate {
  /** This window's usage / rate; undefined when the window does not train the model. */
  costSampleMilliSecondsPerRequest: number | undefined;
  /** The EWMA after this window; undefined until a first sample. */
  cpuCostMilliSecondsPerRequest: number | undefined;
}

export function learnCost(
  smoothing: number,
  previousCost: number | undefined,
  window: Pick<OperatingPoint, 'trains' | 'usageCpuMilli' | 'requestRate'>,
): CostEstimate {
  const sample = window.trains ? window.usageCpuMilli / window.requestRate : undefined;
  const cost =
    sample === undefined
      ? previousCost
      : previousCost === undefined
        ? sample
        : previousCost + smoothing * (sample - previousCost);
  return { costSampleMilliSecondsPerRequest: sample, cpuCostMilliSecondsPerRequest: cost };
}
