// Fetches a pod's Prometheus endpoint (the SLA's port, path and metric) over its pod IP with a
// timeout and extracts the latency snapshot; every failure is a per-pod result, never a throw.

import { Agent, get } from 'node:http';
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
  podIp: string;
  source: ScrapeSource;
  /** Only series with these labels count (e.g. { route: '/api' }); all series are summed otherwise. */
  labels?: Record<string, string>;
}

export type ScrapeResult = { ok: true; snapshot: LatencySnapshot } | { ok: false; error: string };

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
  /** Pods scraped at once (default 16). */
  concurrency?: number;
}

export const DEFAULT_METRICS_PATH = '/metrics';
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

export function scrapeUrl(podIp: string, source: ScrapeSource): string {
  const host = podIp.includes(':') ? `[${podIp}]` : podIp;
  const path = source.path ?? DEFAULT_METRICS_PATH;
  return `http://${host}:${source.port}${path.startsWith('/') ? path : `/${path}`}`;
}

class HttpStatusError extends Error {}

/**
 * GET with node:http rather than fetch: fetch refuses the WHATWG "bad ports" (6000, 6665–6669,
 * 10080, ...), which are legitimate container ports. The timeout covers the whole request.
 */
function httpGetText(url: string, timeoutMs: number, maxBytes: number, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { agent, headers: { accept: ACCEPT }, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new HttpStatusError(`HTTP ${res.statusCode} from ${url}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > maxBytes) {
            res.destroy();
            reject(new BadPayloadError(`payload larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

function describeError(err: unknown, timeoutMs: number): string {
  const error = err as NodeJS.ErrnoException;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timeout after ${timeoutMs}ms`;
  if (error instanceof BadPayloadError) return `bad payload: ${error.message}`;
  if (error instanceof HttpStatusError) return error.message;
  return `connection failed: ${error.code ?? error.message}`;
}

export function createSnapshotScraper(options: MetricsScraperOptions): SnapshotScraper {
  const { logger } = options;
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const concurrency = options.concurrency ?? 16;
  // a fresh connection per scrape: a reused idle socket the pod already closed would fail the tick
  const agent = new Agent({ keepAlive: false });

  async function scrape(target: ScrapeTarget): Promise<ScrapeResult> {
    const url = scrapeUrl(target.podIp, target.source);
    let text: string;
    try {
      text = await httpGetText(url, timeoutMs, maxBodyBytes, agent);
    } catch (err) {
      return fail(target, url, describeError(err, timeoutMs));
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
