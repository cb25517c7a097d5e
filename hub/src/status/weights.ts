// Resource-aware load-balancing weights: pods of one service get traffic in proportion to their
// enacted CPU (EWMA-smoothed), as integers 1..256 (HAProxy's range), with a floor so none starves. Pure.

export const MAX_WEIGHT = 256;

export interface WeightOptions {
  /** EWMA weight of the newest enacted-CPU sample, 0..1 (1 = no smoothing). */
  smoothing: number;
  /** No pod's weight falls below this fraction of the largest. */
  floorFraction: number;
}

export const WEIGHT_DEFAULTS: WeightOptions = { smoothing: 0.5, floorFraction: 0.1 };

/** Smoothed enacted CPU per pod key, carried from one computation to the next. */
export type WeightState = ReadonlyMap<string, number>;

export interface WeightResult {
  weights: Map<string, number>;
  state: Map<string, number>;
}

/**
 * @param enactedCpuMilli enacted CPU of every pod of one service now; pods absent are dropped from the state
 */
export function computeWeights(
  prev: WeightState,
  enactedCpuMilli: ReadonlyMap<string, number>,
  options: WeightOptions = WEIGHT_DEFAULTS,
): WeightResult {
  const state = new Map<string, number>();
  for (const [key, cpu] of enactedCpuMilli) {
    const sample = Math.max(0, cpu);
    const old = prev.get(key);
    state.set(key, old === undefined ? sample : old + options.smoothing * (sample - old));
  }
  const largest = Math.max(0, ...state.values());
  const floor = Math.max(1, Math.ceil(options.floorFraction * MAX_WEIGHT));
  const weights = new Map<string, number>();
  for (const [key, smoothed] of state) {
    const w = largest > 0 ? Math.round((MAX_WEIGHT * smoothed) / largest) : MAX_WEIGHT;
    weights.set(key, Math.min(MAX_WEIGHT, Math.max(floor, w)));
  }
  return { weights, state };
}
