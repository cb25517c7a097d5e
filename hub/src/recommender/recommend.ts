// The per-pod vertical recommender: dispatches to the configured control law.
import { recommendOnEvidence } from './evidence.ts';
import { decideKosmos, describeKosmos } from './kosmos.ts';
import { recommendKosmosPi } from './kosmos-pi.ts';
import type { PodSignal, Recommendation, RecommenderConfig, RecommenderState } from './types.ts';

/**
 * Desired CPU and memory for one pod from its last window's signal. Pure: time enters only as
 * the step sequence; the returned state is passed back on the next call for the same pod. With
 * `inPlace`, `state` is the caller's only copy: it may be updated in place (and be the result's state),
 * so the caller keeps only the result's; without, it is never changed.
 */
export function recommend(
  config: RecommenderConfig,
  state: RecommenderState | undefined,
  signal: PodSignal,
  inPlace = false,
): Recommendation {
  const answered = state?.oomAnsweredRestartCount;
  const newKill = isNewOomKill(signal, answered);
  const input = newKill === signal.oomKilled ? signal : { ...signal, oomKilled: newKill };
  const rec =
    config.controller === 'kosmos-pi'
      ? recommendKosmosPi(config, state, input)
      : recommendOnEvidence(config, state, input, decideKosmos, describeKosmos, inPlace);
  // every law's state is a fresh object carrying the previous one's fields: only a new answer is set
  if (newKill && signal.restartCount !== undefined) rec.state.oomAnsweredRestartCount = signal.restartCount;
  return rec;
}

/**
 * The kubelet keeps a container's last termination (OOMKilled) until the next one, so the same kill
 * is reported on every window after it: it is answered once, for the restart count it came with. A
 * signal without a restart count reports each kill once by itself.
 */
export function isNewOomKill(signal: PodSignal, answeredRestartCount: number | undefined): boolean {
  if (!signal.oomKilled) return false;
  return signal.restartCount === undefined || signal.restartCount !== answeredRestartCount;
}
