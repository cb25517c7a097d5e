// The agent's scrape of the simulated pods' metrics, as the live agent does it: every pod keeps a
// cumulative latency histogram (what its /metrics exposes: whole counts, a sum, counters reset by a
// restart); at each agent tick the agent reads it and the product's response-time tracker turns the
// scrape into the window since the last good one (the first scrape of a pod only primes; a window
// shorter than half the tick is pooled into the next).

import { scrapeTiming } from '../../agent/src/metrics/metrics-scraper.ts';
import type { HistogramSnapshot } from '../../agent/src/metrics/prom-text.ts';
import {
  createResponseTimeTracker,
  type ResponseTimeTracker,
} from '../../agent/src/metrics/response-time-tracker.ts';
import { invalidWindow, type ResponseTimeWindow } from '../../agent/src/metrics/window.ts';
import { DEFAULT_RT_BUCKETS_SECONDS } from '../model/histogram.ts';
import type { Observation, PodObservation } from './controller.ts';

/** The simulated app's bucket bounds (the observation's WindowHistogram), ending with +Inf. */
const BOUNDS = [...DEFAULT_RT_BUCKETS_SECONDS, Number.POSITIVE_INFINITY];

/**
 * A pod's exposition counters. The engine's completions are expected (fractional) counts; each bucket's
 * share of a window is realized in whole requests and the remainder carried to the bucket's next share,
 * so a tail of 0.1 request per window shows as one slow request every tenth window — as often as it
 * happens — and a tail long gone never reappears as a phantom one.
 */
interface PodCounters {
  restarts: number;
  /** Whole requests per bucket of BOUNDS (per bucket, not cumulative). */
  perBucket: Float64Array;
  /** Each bucket's expected requests not realized yet (0 ≤ carry < 1). */
  carry: Float64Array;
  sumSeconds: number;
}

/** Why a pod not serving yet has no window: its endpoint does not answer before the pod is ready. */
export const NOT_SERVING = 'pod not ready: its metrics endpoint does not answer yet';

export class AgentScrapes {
  readonly #tracker: ResponseTimeTracker;
  readonly #counters = new Map<string, PodCounters>();

  /** `tickSeconds`: the agent's tick, which sets the shortest window it measures (scrapeTiming). */
  constructor(tickSeconds: number) {
    const { minWindowSeconds } = scrapeTiming(tickSeconds * 1000, Number.POSITIVE_INFINITY);
    this.#tracker = createResponseTimeTracker({ minWindowSeconds });
  }

  /**
   * Advances every pod's counters by its window and scrapes the ready ones at the observation's time
   * (the end of the window: a loopback scrape answers within the tick's wait). Pods gone are forgotten.
   */
  scrape(observation: Observation): Map<string, ResponseTimeWindow> {
    const windows = new Map<string, ResponseTimeWindow>();
    const live: string[] = [];
    for (const service of observation.services) {
      for (const pod of service.pods) {
        live.push(pod.name);
        const counters = this.#advance(pod);
        if (!pod.ready) {
          windows.set(pod.name, invalidWindow(NOT_SERVING));
          continue;
        }
        const snapshot = exposition(counters);
        windows.set(
          pod.name,
          this.#tracker.update(pod.name, { ok: true, snapshot }, observation.nowSeconds * 1000),
        );
      }
    }
    this.#tracker.retain(live);
    const alive = new Set(live);
    for (const name of this.#counters.keys()) if (!alive.has(name)) this.#counters.delete(name);
    return windows;
  }

  #advance(pod: PodObservation): PodCounters {
    let counters = this.#counters.get(pod.name);
    if (!counters || counters.restarts !== pod.restarts) {
      const restarted = counters !== undefined;
      // a new process: its counters start from zero (the tracker sees a reset)
      counters = {
        restarts: pod.restarts,
        perBucket: new Float64Array(BOUNDS.length),
        carry: new Float64Array(BOUNDS.length),
        sumSeconds: 0,
      };
      this.#counters.set(pod.name, counters);
      // the window's requests were the killed process's: gone with its counters
      if (restarted) return counters;
    }
    const h = pod.rtHistogram;
    if (!h) return counters;
    let below = 0;
    for (let i = 0; i < BOUNDS.length; i++) {
      const cumulative = h.buckets[i]!.count;
      const expected = counters.carry[i]! + Math.max(0, cumulative - below);
      below = Math.max(below, cumulative);
      const whole = Math.floor(expected + 1e-9);
      counters.perBucket[i]! += whole;
      counters.carry[i] = Math.max(0, expected - whole);
    }
    counters.sumSeconds += h.sumSeconds;
    return counters;
  }
}

/** What a scrape of the pod reads: cumulative whole counts over le, the +Inf bucket holding them all. */
function exposition(c: PodCounters): HistogramSnapshot {
  let cumulative = 0;
  const buckets = BOUNDS.map((le, i) => {
    cumulative += c.perBucket[i]!;
    return { le, count: cumulative };
  });
  return { kind: 'histogram', buckets, count: cumulative, sum: c.sumSeconds };
}
