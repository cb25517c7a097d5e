// Reads the response time of the SLAs whose metrics come from Prometheus, off the control loop: each
// period the loop asks for an SLA's latest answer and, when one is due, a query starts in the
// background (one per SLA for all its pods, a deadline each, a bounded number in flight), so a slow
// Prometheus never delays a control period and 5,000 SLAs are 5,000 queries per refresh, not 150,000.
import type { CachedSla } from '../../../lib/api/cached-objects.ts';
import type { Logger } from '../../../lib/log.ts';
import type { PrometheusQueryClient } from './api-client.ts';
import {
  newestSampleQueries,
  type ResolvedPrometheusSource,
  resolvePrometheusSource,
  signalQuery,
} from './promql.ts';
import { allFailed, type PrometheusFailure, type PrometheusPodSample, podSamples } from './samples.ts';

/** The latest answer for one SLA. */
export interface SlaSamples {
  /** When the answer arrived (hub clock, ms). */
  atMs: number;
  /** Per pod name: its sample, or why it has none. */
  pods: Map<string, PrometheusPodSample>;
  /** Set when the query itself failed (every pod then carries this failure). */
  failure?: PrometheusFailure;
}

export interface PrometheusSignalsOptions {
  client: PrometheusQueryClient;
  log: Logger;
  now: () => number;
  /** The hub's --prometheus-url, for SLAs that name none. */
  defaultUrl?: string;
  /** Queries in flight at once, over all SLAs. */
  maxInFlight?: number;
  /** Shortest time between two queries of one SLA (the hub's period). */
  minRefreshMs?: number;
  /** Called once per finished query with the failure reasons it produced, none when every pod has a sample. */
  onQuery?: (failures: ReadonlySet<string>) => void;
}

interface SlaState {
  key: string;
  queryKey: string;
  lastStartMs: number;
  inFlight: boolean;
  latest?: SlaSamples;
}

/** Queries refresh twice per scrape interval: new data is seen at most half an interval late. */
export const REFRESHES_PER_SCRAPE = 2;
export const DEFAULT_MAX_IN_FLIGHT = 32;

export class PrometheusSignals {
  readonly #o: PrometheusSignalsOptions;
  readonly #slas = new Map<string, SlaState>();
  #inFlight = 0;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: PrometheusSignalsOptions) {
    this.#o = options;
  }

  /**
   * The SLA's latest samples for `pods` (names), starting a query when one is due: the refresh time
   * passed, or the pods or the source changed. Undefined until the first answer; a failure answer
   * when the source cannot be used at all.
   */
  observe(sla: CachedSla, pods: readonly string[]): SlaSamples | undefined {
    const key = `${sla.metadata.namespace}/${sla.metadata.name}`;
    const spec = sla.spec.metrics.prometheus;
    const now = this.#o.now();
    const resolved = spec
      ? resolvePrometheusSource(spec, this.#o.defaultUrl)
      : { error: 'no prometheus source' };
    if ('error' in resolved) {
      const failure: PrometheusFailure = { reason: 'PrometheusNotConfigured', message: resolved.error };
      const latest = { atMs: now, pods: allFailed(pods, failure), failure };
      this.#slas.set(key, { key, queryKey: '', lastStartMs: now, inFlight: false, latest });
      return latest;
    }
    const { source } = resolved;
    const statistic = sla.spec.objective.statistic ?? 'p95';
    const sorted = [...pods].sort();
    const queryKey = JSON.stringify([source, statistic, sorted]);
    let state = this.#slas.get(key);
    if (!state) {
      state = { key, queryKey, lastStartMs: Number.NEGATIVE_INFINITY, inFlight: false };
      this.#slas.set(key, state);
    }
    const refreshMs = Math.max(
      this.#o.minRefreshMs ?? 0,
      (source.scrapeIntervalSeconds * 1000) / REFRESHES_PER_SCRAPE,
    );
    const changed = state.queryKey !== queryKey;
    const due = changed || now - state.lastStartMs >= refreshMs;
    if (
      due &&
      !state.inFlight &&
      pods.length > 0 &&
      this.#inFlight < (this.#o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)
    ) {
      state.queryKey = queryKey;
      state.lastStartMs = now;
      this.#start(state, source, statistic, sla.metadata.namespace ?? 'default', sorted);
    }
    const latest = state.latest;
    if (!latest) return undefined;
    // An answer older than staleness (queries starved or stuck) is no answer.
    const ageSeconds = (now - latest.atMs) / 1000;
    if (ageSeconds > source.staleAfterSeconds + source.timeoutSeconds) {
      const failure: PrometheusFailure = {
        reason: 'PrometheusStale',
        message: `no answer from ${source.url} for more than ${Math.round(source.staleAfterSeconds + source.timeoutSeconds)} s`,
      };
      return { atMs: latest.atMs, pods: allFailed(pods, failure), failure };
    }
    return latest;
  }

  /** Drops SLAs no longer Prometheus-sourced (or gone). */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#slas.keys()) if (!keys.has(key)) this.#slas.delete(key);
  }

  /** Resolves when every query in flight has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size) await Promise.all([...this.#pending]);
  }

  #start(
    state: SlaState,
    source: ResolvedPrometheusSource,
    statistic: NonNullable<CachedSla['spec']['objective']['statistic']>,
    namespace: string,
    pods: string[],
  ): void {
    this.#inFlight++;
    state.inFlight = true;
    const run = this.#query(source, statistic, namespace, pods)
      .then((samples) => {
        // The SLA may have been forgotten meanwhile: only a live state takes the answer.
        if (this.#slas.get(state.key) === state) state.latest = samples;
        const reasons = new Set<string>();
        if (samples.failure) reasons.add(samples.failure.reason);
        else for (const s of samples.pods.values()) if (!s.ok) reasons.add(s.reason);
        this.#o.onQuery?.(reasons);
      })
      .catch((err: unknown) => {
        this.#o.log.error({ err, sla: state.key }, 'Prometheus query failed unexpectedly');
      })
      .finally(() => {
        this.#inFlight--;
        state.inFlight = false;
        this.#pending.delete(run);
      });
    this.#pending.add(run);
  }

  async #query(
    source: ResolvedPrometheusSource,
    statistic: NonNullable<CachedSla['spec']['objective']['statistic']>,
    namespace: string,
    pods: string[],
  ): Promise<SlaSamples> {
    let expr: string;
    let checksFreshness: boolean;
    try {
      expr = signalQuery({ source, statistic, namespace, pods });
      checksFreshness = newestSampleQueries({ source, statistic, namespace, pods }).length > 0;
    } catch (err) {
      const failure: PrometheusFailure = { reason: 'PrometheusBadQuery', message: (err as Error).message };
      return { atMs: this.#o.now(), pods: allFailed(pods, failure), failure };
    }
    const outcome = await this.#o.client.query(source, expr, source.timeoutSeconds * 1000);
    const atMs = this.#o.now();
    if (!outcome.ok) {
      const failure: PrometheusFailure = { reason: outcome.reason, message: outcome.message };
      return { atMs, pods: allFailed(pods, failure), failure };
    }
    const samples = podSamples({
      series: outcome.series,
      evalTimeSeconds: Number.isFinite(outcome.evalTimeSeconds) ? outcome.evalTimeSeconds : atMs / 1000,
      pods,
      podLabel: source.podLabel,
      staleAfterSeconds: source.staleAfterSeconds,
      checksFreshness,
    });
    return { atMs, pods: samples };
  }
}
