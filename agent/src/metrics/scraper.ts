// The agent's MetricsScraper: fetches each tracked pod's Prometheus endpoint (the SLA's port, path
// and metric) over its pod IP with a timeout; every failure is a per-pod result, never a throw.

import type { ScrapeSource } from '../../../lib/api/types.ts';
import type { Logger } from '../../../lib/log.ts';
import {
  BadPayloadError,
  extractHistogram,
  extractSummary,
  type LatencySnapshot,
  parseSamples,
} from './prom-text.ts';

export interface ScrapeTarget {
  /** Caller's key for the result (e.g. the pod uid). */
  key: string;
  podIP: string;
  source: ScrapeSource;
  /** Only series with these labels count (e.g. { route: '/api' }); all series are summed otherwise. */
  labels?: Record<string, string>;
}

export type ScrapeResult = { ok: true; snapshot: LatencySnapshot } | { ok: false; error: string };

/** Edge interface: one latency snapshot per tracked pod per tick. */
export interface MetricsScraper {
  scrape(target: ScrapeTarget): Promise<ScrapeResult>;
  scrapeAll(targets: readonly ScrapeTarget[]): Promise<Map<string, ScrapeResult>>;
}

export interface MetricsScraperOptions {
  logger: Logger;
  /** Per scrape, connect to last byte (default 2000). */
  timeoutMs?: number;
  /** Payloads larger than this are rejected (default 8 MiB). */
  maxBodyBytes?: number;
  /** Pods scraped at once (default 16). */
  concurrency?: number;
}

export const DEFAULT_METRICS_PATH = '/metrics';
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

export function scrapeUrl(podIP: string, source: ScrapeSource): string {
  const host = podIP.includes(':') ? `[${podIP}]` : podIP;
  const path = source.path ?? DEFAULT_METRICS_PATH;
  return `http://${host}:${source.port}${path.startsWith('/') ? path : `/${path}`}`;
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new BadPayloadError(`payload larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const error = err as Error & { cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timeout after ${timeoutMs}ms`;
  if (error instanceof BadPayloadError) return `bad payload: ${error.message}`;
  const cause = error.cause?.code ?? error.cause?.message;
  return `fetch failed: ${cause ?? error.message}`;
}

export function createMetricsScraper(options: MetricsScraperOptions): MetricsScraper {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const concurrency = options.concurrency ?? 16;

  async function scrape(target: ScrapeTarget): Promise<ScrapeResult> {
    const url = scrapeUrl(target.podIP, target.source);
    let text: string;
    try {
      const response = await fetch(url, {
        headers: { accept: ACCEPT },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return fail(target, url, `HTTP ${response.status} from ${url}`);
      }
      text = await readLimited(response, maxBodyBytes);
    } catch (err) {
      return fail(target, url, describeFetchError(err, timeoutMs));
    }
    try {
      const samples = parseSamples(text);
      const snapshot =
        target.source.type === 'summary'
          ? extractSummary(samples, target.source.metric, target.labels)
          : extractHistogram(samples, target.source.metric, target.labels);
      return { ok: true, snapshot };
    } catch (err) {
      if (!(err instanceof BadPayloadError)) throw err;
      return fail(target, url, `bad payload: ${err.message}`);
    }
  }

  function fail(target: ScrapeTarget, url: string, error: string): ScrapeResult {
    logger.debug({ key: target.key, url, error }, 'pod metrics scrape failed');
    return { ok: false, error };
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
