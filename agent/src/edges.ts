// The small interfaces the agent's loop talks to, besides PodSource, Resizer, HubLink and the
// PodScale status writer (declared next to their implementations).
import type { ScrapeSource } from '../../lib/api/types.ts';
import type { ResponseTimeWindow } from '../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';

export type { UsageReader, UsageResult, UsageTarget } from './cgroup/reader.ts';

export interface ScrapeTarget {
  /** The caller's key for the result (the pod uid). */
  key: string;
  podIp: string;
  source: ScrapeSource;
}

/** A pod's metrics endpoint: answering, or failing since the first failed scrape of this episode. */
export type MetricsHealth =
  | { state: 'answering' }
  | { state: 'failing'; reason: string; message: string; sinceMs: number };

/**
 * Reads each pod's own latency histogram; one window per key (valid=false with the error when there is
 * none, failureReason set while the pod's endpoint fails). Windows are measured on the scrapes' own
 * timestamps; `nowMs` only stands in for scrapers that have none.
 */
export interface MetricsScraper {
  scrape(targets: readonly ScrapeTarget[], nowMs: number): Promise<Map<string, ResponseTimeWindow>>;
  /** The pod's endpoint health once it has been scraped; undefined before the first scrape. Optional: scrapers that track no endpoint health (in-memory test edges) leave it out. */
  health?(key: string): MetricsHealth | undefined;
}

/** Client-side bound on API writes: take a token or skip the write this tick. */
export interface WriteLimiter {
  tryTake(): boolean;
}
