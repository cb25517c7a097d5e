// Keeps each pod's previous latency snapshot and turns every scrape into the window since the last
// good one. Pure state: the caller passes the time; the first good scrape of a pod only primes.

import type { LatencySnapshot } from './prom-text.ts';
import type { ScrapeResult } from './scraper.ts';
import { invalidWindow, type ResponseTimeWindow, responseTimeWindow } from './window.ts';

export interface ResponseTimeTracker {
  update(key: string, result: ScrapeResult, nowMs: number): ResponseTimeWindow;
  /** Drops the state of pods no longer tracked. */
  retain(liveKeys: Iterable<string>): void;
}

export const PRIMING_ERROR = 'priming: first scrape of this pod, the window starts now';

export function createResponseTimeTracker(): ResponseTimeTracker {
  const previous = new Map<string, { snapshot: LatencySnapshot; atMs: number }>();
  return {
    update(key, result, nowMs) {
      const prev = previous.get(key);
      const windowSeconds = prev ? (nowMs - prev.atMs) / 1000 : 0;
      // a failed scrape keeps the last good snapshot: the next window spans the gap
      if (!result.ok) return invalidWindow(result.error, windowSeconds);
      previous.set(key, { snapshot: result.snapshot, atMs: nowMs });
      if (!prev) return invalidWindow(PRIMING_ERROR);
      if (windowSeconds <= 0) return invalidWindow('no time elapsed since the previous scrape');
      return responseTimeWindow(prev.snapshot, result.snapshot, windowSeconds);
    },
    retain(liveKeys) {
      const live = new Set(liveKeys);
      for (const key of previous.keys()) if (!live.has(key)) previous.delete(key);
    },
  };
}
