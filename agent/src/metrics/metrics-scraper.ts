// The agent's MetricsScraper edge, off the tick's critical path: each tick starts a scrape of every
// tracked pod that has none in flight, waits for them at most `waitMs`, and answers one window per
// pod from the scrapes finished so far. A scrape runs to its own deadline in the background; a pod
// whose endpoint hangs never holds the tick or the other pods, its last good sample simply ages.
// It also keeps each pod's endpoint health (answering, or failing since the episode's first failure).
import type { MetricsHealth, MetricsScraper } from '../edges.ts';
import { createResponseTimeTracker, DEFAULT_MIN_WINDOW_SECONDS } from './response-time-tracker.ts';
import {
  createSnapshotScraper,
  DEFAULT_SCRAPE_TIMEOUT_MS,
  type MetricsScraperOptions,
  SCRAPE_FAILURE_REASONS,
  type ScrapeFailureKind,
  type ScrapeResult,
  type ScrapeTarget,
  type SnapshotScraper,
} from './scraper.ts';
import { invalidWindow, type ResponseTimeWindow } from './window.ts';

export interface BackgroundScraperOptions extends MetricsScraperOptions {
  /** How long a tick waits for its scrapes before reporting what it has (default 250). */
  waitMs?: number;
  /** Shorter windows are pooled into the next (default 0.5 s: half the default tick). */
  minWindowSeconds?: number;
  /** Called once per failed scrape (the agent's kosmos_agent_scrape_failures_total). */
  onFailure?: (kind: ScrapeFailureKind) => void;
  /** Replaces the HTTP scraper (tests). */
  snapshots?: SnapshotScraper;
}

/**
 * The scrape timing of an agent ticking every `tickMs`: a tick waits for its scrapes at most a quarter
 * of its period (never past their deadline), and windows shorter than half the period are pooled into
 * the next. The simulator's agent stand-in uses the same terms.
 */
export function scrapeTiming(
  tickMs: number,
  timeoutMs: number,
): { waitMs: number; minWindowSeconds: number } {
  return { waitMs: Math.min(timeoutMs, Math.max(20, tickMs / 4)), minWindowSeconds: tickMs / 2 / 1000 };
}

export function createMetricsScraper(options: BackgroundScraperOptions): MetricsScraper {
  const logger = options.logger;
  const now = options.now ?? Date.now;
  const waitMs = options.waitMs ?? 250;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
  const snapshots = options.snapshots ?? createSnapshotScraper(options);
  const tracker = createResponseTimeTracker({
    minWindowSeconds: options.minWindowSeconds ?? DEFAULT_MIN_WINDOW_SECONDS,
  });
  /** Scrape start time and promise, per pod with one in flight. */
  const inFlight = new Map<string, { startedMs: number; done: Promise<void> }>();
  /** Finished scrapes not yet turned into a window. */
  const finished = new Map<string, ScrapeResult>();
  const health = new Map<string, MetricsHealth>();
  let live = new Set<string>();

  function start(target: ScrapeTarget): void {
    const done = snapshots
      .scrape(target)
      .catch(
        (err: Error): ScrapeResult => ({ ok: false, error: `scrape failed: ${err.message}`, atMs: now() }),
      )
      .then((result) => {
        inFlight.delete(target.key);
        if (live.has(target.key)) finished.set(target.key, result);
      });
    inFlight.set(target.key, { startedMs: now(), done });
  }

  function recordHealth(key: string, result: ScrapeResult, atMs: number): void {
    if (result.ok) {
      health.set(key, { state: 'answering' });
      return;
    }
    const kind = result.kind ?? 'connection';
    options.onFailure?.(kind);
    const before = health.get(key);
    health.set(key, {
      state: 'failing',
      reason: SCRAPE_FAILURE_REASONS[kind],
      message: result.error,
      sinceMs: before?.state === 'failing' ? before.sinceMs : atMs,
    });
  }

  async function waitForScrapes(targets: readonly ScrapeTarget[]): Promise<void> {
    const pending = targets.flatMap((t) => {
      const f = inFlight.get(t.key);
      return f ? [f.done] : [];
    });
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  return {
    async scrape(targets, nowMs) {
      const startedMs = performance.now();
      live = new Set(targets.map((t) => t.key));
      for (const target of targets) if (!inFlight.has(target.key)) start(target);
      await waitForScrapes(targets);
      const windows = new Map<string, ResponseTimeWindow>();
      let failed = 0;
      let waiting = 0;
      for (const target of targets) {
        const result = finished.get(target.key);
        finished.delete(target.key);
        let window: ResponseTimeWindow;
        if (result) {
          const atMs = result.atMs ?? nowMs;
          if (!result.ok) failed++;
          recordHealth(target.key, result, atMs);
          window = tracker.update(target.key, result, atMs);
        } else {
          waiting++;
          const since = inFlight.get(target.key)?.startedMs ?? now();
          window = invalidWindow(
            `scrape in flight for ${Math.round(now() - since)}ms (deadline ${timeoutMs}ms): the last good sample ages`,
          );
        }
        const h = health.get(target.key);
        // while failing, every window says so with the last failure's details
        windows.set(
          target.key,
          h?.state === 'failing'
            ? { ...window, failureReason: h.reason, ...(window.valid ? {} : { error: h.message }) }
            : window,
        );
      }
      tracker.retain(live);
      for (const key of health.keys()) if (!live.has(key)) health.delete(key);
      for (const key of finished.keys()) if (!live.has(key)) finished.delete(key);
      logger.debug(
        { pods: targets.length, failed, waiting, elapsedMs: Math.round(performance.now() - startedMs) },
        'pod metrics scraped',
      );
      return windows;
    },
    health: (key) => health.get(key),
  };
}
