// Keeps each pod's previous latency snapshot and turns every scrape into the window since the last
// good one, measured on the scrapes' own timestamps (never the tick's). Pure state: the caller passes
// each scrape's time; the first good scrape of a pod only primes, and a window too short to mean
// anything is not measured: its requests are pooled into the next window.

import type { LatencySnapshot } from './prom-text.ts';
import type { ScrapeResult } from './scraper.ts';
import { invalidWindow, type ResponseTimeWindow, responseTimeWindow } from './window.ts';

export interface ResponseTimeTracker {
  /** The window ending at this scrape, taken at `atMs` (its own time: response received or exposition timestamp). */
  update(key: string, result: ScrapeResult, atMs: number): ResponseTimeWindow;
  /** Drops the state of pods no longer tracked. */
  retain(liveKeys: Iterable<string>): void;
}

export const PRIMING_ERROR = 'priming: first scrape of this pod, the window starts now';

/**
 * Windows shorter than this are not measured unless the caller says otherwise (half the agent's 1 s
 * default tick): a rate over a few milliseconds is noise, not evidence.
 */
export const DEFAULT_MIN_WINDOW_SECONDS = 0.5;

export function createResponseTimeTracker(options: { minWindowSeconds?: number } = {}): ResponseTimeTracker {
  const minWindowSeconds = options.minWindowSeconds ?? DEFAULT_MIN_WINDOW_SECONDS;
  const previous = new Map<string, { snapshot: LatencySnapshot; atMs: number }>();
  return {
    update(key, result, atMs) {
      const prev = previous.get(key);
      const windowSeconds = prev ? (atMs - prev.atMs) / 1000 : 0;
      // a failed scrape keeps the last good snapshot: the next window spans the gap
      if (!result.ok) return invalidWindow(result.error, windowSeconds);
      if (!prev) {
        previous.set(key, { snapshot: result.snapshot, atMs });
        return invalidWindow(PRIMING_ERROR);
      }
      if (windowSeconds < minWindowSeconds) {
        // keep the earlier snapshot: these requests count in the next, long enough window
        return invalidWindow(
          `window of ${Math.round(windowSeconds * 1000)}ms since the last scrape is shorter than ` +
            `${Math.round(minWindowSeconds * 1000)}ms: pooled into the next one`,
          Math.max(0, windowSeconds),
        );
      }
      previous.set(key, { snapshot: result.snapshot, atMs });
      return responseTimeWindow(prev.snapshot, result.snapshot, windowSeconds);
    },
    retain(liveKeys) {
      const live = new Set(liveKeys);
      for (const key of previous.keys()) if (!live.has(key)) previous.delete(key);
    },
  };
}
