// Fetches a pod's Prometheus endpoint (the SLA's port, path and metric) over its pod IP with one
// deadline over the whole request (connect to last byte) and a size limit, and extracts the latency
// snapshot with the time it was taken; every failure is a per-pod result with a reason, never a throw.

import type { ScrapeSource } from '../../../lib/api/types.ts';
import type { Logger } from '../../../lib/log.ts';
import { scanHistogram } from './histogram-text.ts';
import { ScrapeConnections, ScrapeError } from './http-get.ts';
import {
  BadPayloadError,
  extractSummary,
  type LatencySnapshot,
  NotANumberError,
  samplesOf,
} from './prom-text.ts';

export interface ScrapeTarget {
  /** Caller's key for the result (e.g. the pod uid). */
  key: string;
  podIp: string;
  source: ScrapeSource;
  /** Only series with these labels count (e.g. { route: '/api' }); all series are summed otherwise. */
  labels?: Record<string, string>;
}

/** Why a scrape failed: the metric label (`kosmos_agent_scrape_failures_total{reason}`). */
export type ScrapeFailureKind =
  | 'timeout'
  | 'connection'
  | 'http_status'
  | 'bad_payload'
  | 'not_a_number'
  | 'too_large';

/** The MetricsAvailable condition reason of each failure kind. */
export const SCRAPE_FAILURE_REASONS: Record<ScrapeFailureKind, string> = {
  timeout: 'ScrapeTimeout',
  connection: 'ScrapeConnectionFailed',
  http_status: 'ScrapeHTTPStatus',
  bad_payload: 'ScrapeBadPayload',
  not_a_number: 'ScrapeNotANumber',
  too_large: 'ScrapeTooLarge',
};

/**
 * atMs is the scrape's own time: the exposition's timestamp of the metric when it has one, else when
 * the response was received (the clock passed in the options).
 */
export type ScrapeResult =
  | { ok: true; snapshot: LatencySnapshot; atMs?: number }
  | { ok: false; error: string; kind?: ScrapeFailureKind; atMs?: number };

/** One cumulative latency snapshot per pod (metrics-scraper.ts turns them into windows). */
export interface SnapshotScraper {
  scrape(target: ScrapeTarget): Promise<ScrapeResult>;
  scrapeAll(targets: readonly ScrapeTarget[]): Promise<Map<string, ScrapeResult>>;
}

export interface MetricsScraperOptions {
  logger: Logger;
  /** Per scrape, connect to last byte (default 2000). */
  timeoutMs?: number;
  /** Payloads larger than this are rejected (default 8 MiB). */
  maxBodyBytes?: number;
  /** Pods scraped at once by scrapeAll (default 16). */
  concurrency?: number;
  /** The clock stamping each response (default Date.now). */
  now?: () => number;
}

export const DEFAULT_METRICS_PATH = '/metrics';
export const DEFAULT_SCRAPE_TIMEOUT_MS = 2000;
/** An idle kept-alive scrape connection is closed after this long. */
const IDLE_SOCKET_MS = 30_000;

export function scrapeUrl(podIp: string, source: ScrapeSource): string {
  const host = podIp.includes(':') ? `[${podIp}]` : podIp;
  return `http://${host}:${source.port}${scrapePath(source)}`;
}

function scrapePath(source: ScrapeSource): string {
  const path = source.path ?? DEFAULT_METRICS_PATH;
  return path.startsWith('/') ? path : `/${path}`;
}

export function createSnapshotScraper(options: MetricsScraperOptions): SnapshotScraper {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const concurrency = options.concurrency ?? 16;
  const now = options.now ?? Date.now;
  // One connection per pod, kept alive between scrapes (a new TCP connection per pod per tick was a
  // third of the agent's CPU); an idle one is closed after IDLE_SOCKET_MS (the pod may be gone).
  const connections = new ScrapeConnections(IDLE_SOCKET_MS);

  async function scrape(target: ScrapeTarget): Promise<ScrapeResult> {
    const url = scrapeUrl(target.podIp, target.source);
    let text: string;
    try {
      const request = { url, host: target.podIp, port: target.source.port, path: scrapePath(target.source) };
      text = await connections.get(request, timeoutMs, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof ScrapeError)) throw err;
      return fail(target, url, err.kind, err.message);
    }
    const receivedAtMs = now();
    try {
      const { metric } = target.source;
      const snapshot =
        target.source.type === 'summary'
          ? extractSummary(samplesOf(text, metric), metric, target.labels)
          : scanHistogram(text, metric, target.labels);
      return { ok: true, snapshot, atMs: snapshot.timestampMs ?? receivedAtMs };
    } catch (err) {
      if (err instanceof NotANumberError)
        return fail(target, url, 'not_a_number', `bad payload: ${err.message}`);
      if (err instanceof BadPayloadError)
        return fail(target, url, 'bad_payload', `bad payload: ${err.message}`);
      throw err;
    }
  }

  function fail(target: ScrapeTarget, url: string, kind: ScrapeFailureKind, error: string): ScrapeResult {
    logger.debug({ key: target.key, url, error }, 'pod metrics scrape failed');
    return { ok: false, error, kind, atMs: now() };
  }

  return {
    scrape,
    async scrapeAll(targets) {
      const results = new Map<string, ScrapeResult>();
      let next = 0;
      const worker = async () => {
        while (next < targets.length) {
          const target = targets[next++] as ScrapeTarget;
          results.set(target.key, await scrape(target));
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
      return results;
    },
  };
}
