// Prometheus's answer to an SLA's signal query turned into one sample per tracked pod: its request
// rate and response time, or why there is none (no data, stale, NaN, too many series). Pure.
// Messages carry no measured numbers: they become condition messages, which must not change every period.
import { SIGNAL_LABEL, type SignalName } from './promql.ts';

/** Why a pod has no signal from Prometheus: the MetricsAvailable=False reason and the metric's label. */
export type PrometheusFailureReason =
  | 'PrometheusNotConfigured'
  | 'PrometheusUnreachable'
  | 'PrometheusTimeout'
  | 'PrometheusError'
  | 'PrometheusBadQuery'
  | 'PrometheusNoData'
  | 'PrometheusStale'
  | 'PrometheusNotANumber'
  | 'PrometheusTooManySeries';

export interface PrometheusFailure {
  reason: PrometheusFailureReason;
  message: string;
}

/** One series of an instant vector, as the HTTP API returns it. */
export interface VectorSample {
  metric: Record<string, string>;
  /** [evaluation time in seconds, value as text] */
  value: [number, string];
}

export type PrometheusPodSample =
  | {
      ok: true;
      /** Requests finished per second over the window. */
      requestRate: number;
      /** The SLA statistic, seconds; undefined when no request finished in the window. */
      responseTimeSeconds?: number;
      /** Age of the pod's newest sample at evaluation time, seconds (with a metric only). */
      sampleAgeSeconds?: number;
    }
  | ({ ok: false } & PrometheusFailure);

export interface SamplesInput {
  series: readonly VectorSample[];
  /** Evaluation time of the query, seconds since the epoch. */
  evalTimeSeconds: number;
  pods: readonly string[];
  podLabel: string;
  staleAfterSeconds: number;
  /** Whether the query asked for the newest sample's time (of the metric, or of a raw query's selectors). */
  checksFreshness: boolean;
}

/** More series than this per pod and signal is a query that does not aggregate by pod. */
export const MAX_SERIES_PER_POD = 1;

/** Per tracked pod: its sample or why it has none. */
export function podSamples(input: SamplesInput): Map<string, PrometheusPodSample> {
  const { pods, podLabel } = input;
  const tracked = new Set(pods);
  const bySignal: Record<SignalName, Map<string, number[]>> = {
    rt: new Map(),
    rate: new Map(),
    newest: new Map(),
  };
  let unlabelled = 0;
  for (const s of input.series) {
    const signal = s.metric[SIGNAL_LABEL] as SignalName | undefined;
    const pod = s.metric[podLabel];
    if (!signal || !(signal in bySignal)) continue;
    if (pod === undefined) {
      unlabelled++;
      continue;
    }
    if (!tracked.has(pod)) continue;
    const values = bySignal[signal].get(pod) ?? [];
    values.push(Number(s.value[1]));
    bySignal[signal].set(pod, values);
  }
  const out = new Map<string, PrometheusPodSample>();
  const fail = (reason: PrometheusFailureReason, message: string): PrometheusPodSample => ({
    ok: false,
    reason,
    message,
  });
  for (const pod of pods) {
    const rate = bySignal.rate.get(pod);
    const rt = bySignal.rt.get(pod);
    const newest = bySignal.newest.get(pod);
    const many = (
      [
        ['response time', rt],
        ['request rate', rate],
      ] as const
    ).find(([, v]) => (v?.length ?? 0) > MAX_SERIES_PER_POD);
    if (many) {
      out.set(
        pod,
        fail(
          'PrometheusTooManySeries',
          `${many[1]!.length} ${many[0]} series for pod ${pod}: aggregate the query by (${podLabel})`,
        ),
      );
      continue;
    }
    let sampleAgeSeconds: number | undefined;
    if (input.checksFreshness && newest?.length) {
      // One series per selector the query reads: the oldest input decides.
      sampleAgeSeconds = Math.max(0, input.evalTimeSeconds - Math.min(...newest));
      if (sampleAgeSeconds > input.staleAfterSeconds) {
        out.set(
          pod,
          fail(
            'PrometheusStale',
            `the newest sample of pod ${pod} is older than ${input.staleAfterSeconds} s ` +
              '(3 scrape intervals): is Prometheus still scraping it?',
          ),
        );
        continue;
      }
    }
    if (!rate?.length) {
      const why = unlabelled
        ? `; ${unlabelled} series carry no "${podLabel}" label`
        : input.checksFreshness && !newest?.length
          ? ': Prometheus has no series of the metric for it (not scraped yet, or the labels do not match)'
          : '';
      out.set(pod, fail('PrometheusNoData', `no request-rate series for pod ${pod}${why}`));
      continue;
    }
    const requestRate = rate[0] as number;
    if (!Number.isFinite(requestRate) || requestRate < 0) {
      out.set(pod, fail('PrometheusNotANumber', `the request rate of pod ${pod} is ${requestRate}`));
      continue;
    }
    const age = sampleAgeSeconds === undefined ? {} : { sampleAgeSeconds };
    if (requestRate === 0) {
      // No request finished in the window: an idle pod, not a failure (its quantile is NaN).
      out.set(pod, { ok: true, requestRate, ...age });
      continue;
    }
    if (!rt?.length) {
      out.set(pod, fail('PrometheusNoData', `no response-time series for pod ${pod}`));
      continue;
    }
    const seconds = rt[0] as number;
    if (!Number.isFinite(seconds) || seconds < 0) {
      out.set(
        pod,
        fail(
          'PrometheusNotANumber',
          `the response time of pod ${pod} is ${seconds} while it finishes requests` +
            ' (a histogram without its +Inf bucket, or a summary with no observation in its window?)',
        ),
      );
      continue;
    }
    out.set(pod, { ok: true, requestRate, responseTimeSeconds: seconds, ...age });
  }
  return out;
}

/** Every tracked pod failing the same way (the query itself failed). */
export function allFailed(
  pods: readonly string[],
  failure: PrometheusFailure,
): Map<string, PrometheusPodSample> {
  return new Map(pods.map((p) => [p, { ok: false, ...failure }]));
}
