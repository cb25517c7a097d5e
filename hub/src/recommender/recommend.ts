// The per-pod vertical recommender: dispatches to the configured control law.
import { recommendOnEvidence } from './evidence.ts';
import { recommendKosmos } from './kosmos.ts';
import { recommendKosmosPi } from './kosmos-pi.ts';
import type { PodSignal, Recommendation, RecommenderConfig, RecommenderState } from './types.ts';

/**
 * Desired CPU and memory for one pod from its last window's signal. Pure: time enters only as
 * the step sequence; the returned state is passed back on the next call for the same pod.
 */
export function recommend(
  config: RecommenderConfig,
  state: RecommenderState | undefined,
  signal: PodSignal,
): Recommendation {
  return config.controller === 'kosmos-pi'
    ? recommendKosmosPi(config, state, signal)
    : recommendOnEvidence(config, state, signal, recommendKosmos);
}
