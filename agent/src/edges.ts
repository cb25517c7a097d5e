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

/** Reads each pod's own latency histogram; one window per key (valid=false with the error when it failed). */
export interface MetricsScraper {
  scrape(targets: readonly ScrapeTarget[], nowMs: number): Promise<Map<string, ResponseTimeWindow>>;
}

/** Client-side bound on API writes: take a token or skip the write this tick. */
export interface WriteLimiter {
  tryTake(): boolean;
}
