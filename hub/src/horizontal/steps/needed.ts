// Step 2 of the horizontal decision: how many replicas the demand needs at a fill of the SLA max per
// pod, N(f) = ceil(load / (f·maxCpuMilliPerPod − headroom)), load = demand − pods·headroom (the
// per-pod headroom does not shrink with fewer pods); and how many the unmet (capped) CPU adds.
import type { HorizontalConfig, HorizontalInput } from '../types.ts';

export interface ReplicasNeeded {
  /** N(scaleUpFill), N(scaleDownFill). */
  neededForDemand: number;
  neededToFitFewer: number;
  /** ready + ceil(effective capped / (scaleUpFill · max per pod)). */
  neededForUnmet: number;
}

export function replicasNeeded(
  config: Pick<HorizontalConfig, 'scaleUpFill' | 'scaleDownFill'>,
  input: Pick<HorizontalInput, 'demandCpuMilli' | 'readyReplicas' | 'pods'>,
  shape: {
    minReplicas: number;
    maxReplicas: number;
    /** SLA max CPU per pod, at least 1. */
    maxCpuMilliPerPod: number;
    perPodHeadroomCpuMilli: number;
    effectiveCappedCpuMilli: number;
  },
): ReplicasNeeded {
  const { minReplicas: min, maxReplicas: max, maxCpuMilliPerPod: maxPerPod } = shape;
  const headroom = shape.perPodHeadroomCpuMilli;
  const load = Math.max(0, input.demandCpuMilli - input.pods.length * headroom);
  const neededAt = (fill: number): number => {
    const perPod = fill * maxPerPod - headroom;
    if (load <= 0) return min;
    return perPod <= 0 ? max : Math.max(min, Math.ceil(load / perPod));
  };
  return {
    neededForDemand: neededAt(config.scaleUpFill),
    neededToFitFewer: neededAt(config.scaleDownFill),
    neededForUnmet:
      input.readyReplicas + Math.ceil(shape.effectiveCappedCpuMilli / (config.scaleUpFill * maxPerPod)),
  };
}
