// What the client saw, from the load generator's per-request records: latency percentiles, errors
// and SLO-violation time judged as the quality benchmark judges it (30 s windows by scheduled send
// time; a window violates when its statistic exceeds the objective or more than 1 % of its requests
// failed — a failed request is an infinitely slow one). Pure.
import { DROPPED_VIOLATION_FRACTION } from '../discrete/recorder.ts';
import type { RequestRecord } from './open-loop.ts';

export const CLIENT_SLO_WINDOW_SECONDS = 30;

export interface ClientWindow {
  startSeconds: number;
  requests: number;
  errors: number;
  /** The SLA statistic of the window's successful requests, ms (NaN when none succeeded). */
  statisticMs: number;
  violated: boolean;
}

export interface ClientFigures {
  requests: number;
  errorsPct: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Share of windows that violated the objective, %. */
  violationPct: number;
  windows: ClientWindow[];
}

export interface ClientFiguresOptions {
  sloMs: number;
  statistic: 'mean' | 'p50' | 'p90' | 'p95' | 'p99';
  durationSeconds: number;
  windowSeconds?: number;
  /** Ignore requests scheduled before this (warm-up), seconds. */
  fromSeconds?: number;
}

/** Nearest-rank quantile of ascending values; NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function statisticMs(
  latencies: readonly number[],
  statistic: ClientFiguresOptions['statistic'],
): number {
  if (statistic === 'mean')
    return latencies.length === 0 ? Number.NaN : latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return quantile(
    [...latencies].sort((a, b) => a - b),
    Number(statistic.slice(1)) / 100,
  );
}

export function clientFigures(records: readonly RequestRecord[], o: ClientFiguresOptions): ClientFigures {
  const width = o.windowSeconds ?? CLIENT_SLO_WINDOW_SECONDS;
  const from = o.fromSeconds ?? 0;
  const windows: ClientWindow[] = [];
  for (let start = from; start < o.durationSeconds - 1e-9; start += width) {
    windows.push({ startSeconds: start, requests: 0, errors: 0, statisticMs: Number.NaN, violated: false });
  }
  const latencyByWindow = windows.map(() => [] as number[]);
  const all: number[] = [];
  let requests = 0;
  let errors = 0;
  for (const r of records) {
    if (r.atSeconds < from) continue;
    const i = Math.floor((r.atSeconds - from) / width);
    const w = windows[i];
    if (!w) continue;
    requests++;
    w.requests++;
    if (r.ok) {
      latencyByWindow[i]!.push(r.latencyMs);
      all.push(r.latencyMs);
    } else {
      errors++;
      w.errors++;
    }
  }
  let violatedSeconds = 0;
  let judgedSeconds = 0;
  for (const [i, w] of windows.entries()) {
    const seconds = Math.min(width, o.durationSeconds - w.startSeconds);
    judgedSeconds += seconds;
    w.statisticMs = statisticMs(latencyByWindow[i]!, o.statistic);
    w.violated =
      w.statisticMs > o.sloMs || (w.errors > 0 && w.errors > DROPPED_VIOLATION_FRACTION * w.requests);
    if (w.violated) violatedSeconds += seconds;
  }
  all.sort((a, b) => a - b);
  return {
    requests,
    errorsPct: requests > 0 ? (100 * errors) / requests : 0,
    p50Ms: quantile(all, 0.5),
    p95Ms: quantile(all, 0.95),
    p99Ms: quantile(all, 0.99),
    violationPct: judgedSeconds > 0 ? (100 * violatedSeconds) / judgedSeconds : 0,
    windows,
  };
}
