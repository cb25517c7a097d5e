// The agent's MetricsScraper edge: scrapes every tracked pod once per tick and answers one
// response-time window per pod (valid=false with the error for a failed or first scrape).
import type { Logger } from '../../../lib/log.ts';
import { createResponseTimeTracker } from './response-time-tracker.ts';
import { createSnapshotScraper, type MetricsScraperOptions, type ScrapeTarget } from './scraper.ts';
import type { ResponseTimeWindow } from './window.ts';

export interface MetricsScraper {
  scrape(targets: readonly ScrapeTarget[], nowMs: number): Promise<Map<string, ResponseTimeWindow>>;
}

export function createMetricsScraper(options: MetricsScraperOptions): MetricsScraper {
  const logger: Logger = options.logger;
  const snapshots = createSnapshotScraper(options);
  const tracker = createResponseTimeTracker();
  return {
    async scrape(targets, nowMs) {
      const startedMs = performance.now();
      const results = await snapshots.scrapeAll(targets);
      const windows = new Map<string, ResponseTimeWindow>();
      let failed = 0;
      for (const target of targets) {
        const result = results.get(target.key) ?? { ok: false as const, error: 'not scraped' };
        if (!result.ok) failed++;
        windows.set(target.key, tracker.update(target.key, result, nowMs));
      }
      tracker.retain(targets.map((t) => t.key));
      logger.debug(
        { pods: targets.length, failed, elapsedMs: Math.round(performance.now() - startedMs) },
        'pod metrics scraped',
      );
      return windows;
    },
  };
}
