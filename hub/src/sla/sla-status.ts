// The SLA's status from what the hub observed this tick: conditions (Ready, Invalid, ScalingLimited)
// with stable transition times, and a deadband so noise in the numbers does not cause writes. Pure.
import { condition, type MetricsSignal, metricsAvailableCondition } from '../../../lib/api/conditions.ts';
import type { Condition, ServiceLevelAgreementStatus } from '../../../lib/api/types.ts';
import { parseDurationSeconds } from '../../../lib/duration.ts';

export interface SlaObservation {
  observedGeneration?: number;
  /** Why the SLA cannot be acted on (what CEL can't catch), or undefined when valid. */
  invalid?: { reason: string; message: string };
  replicas?: number;
  desiredReplicas?: number;
  podsTracked: number;
  /** Pods tracked whose node reports fresh data. */
  podsReporting: number;
  observedResponseSeconds?: number;
  requestRate?: number;
  /** Why scaling cannot do what the service needs (replica bounds, SLA max), if so. */
  limited?: { reason: string; message: string };
  /** Matched pods that cannot be tracked (missing container, not resizable), if any. */
  skipped?: { reason: string; message: string };
  lastScaleTime?: string;
  /**
   * The tracked pods without a response-time signal and why: from Prometheus (metrics.prometheus,
   * `awaiting` before its first answer) or from the agents' scrapes (metrics.scrape, pods whose
   * endpoint fails). Undefined when the SLA names no source.
   */
  responseTime?: { awaiting: boolean; without: Array<{ pod: string; reason: string; message: string }> };
}

/** At most this many pods are named in the MetricsAvailable message (the count is always exact). */
const NAMED_PODS = 5;

/** MetricsAvailable over the tracked pods: True when each has a signal, else False naming those without. */
function metricsSignal(o: SlaObservation): MetricsSignal | undefined {
  const m = o.responseTime;
  if (!m) return undefined;
  if (m.awaiting)
    return {
      state: 'awaiting',
      reason: 'AwaitingPrometheus',
      message: 'the first query to Prometheus has not answered yet',
    };
  if (m.without.length === 0) {
    return {
      state: 'signalling',
      reason: 'AllPodsSignalling',
      message: `${o.podsTracked}/${o.podsTracked} pods with a response-time signal`,
    };
  }
  const reasons = new Set(m.without.map((w) => w.reason));
  const named = m.without
    .slice(0, NAMED_PODS)
    .map((w) => `${w.pod} (${w.reason}: ${w.message})`)
    .join(', ');
  const more = m.without.length > NAMED_PODS ? `, and ${m.without.length - NAMED_PODS} more` : '';
  return {
    state: 'failing',
    reason: reasons.size === 1 ? [...reasons][0]! : 'MetricsUnavailable',
    message: `${m.without.length}/${o.podsTracked} pods without response-time signal, allocations held: ${named}${more}`,
  };
}

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  return `${Number(seconds.toPrecision(3))}s`;
}

function ready(o: SlaObservation): [Condition['status'], string, string] {
  if (o.invalid) return ['False', 'Invalid', o.invalid.message];
  if (o.podsTracked === 0) return ['False', 'NoPods', 'no resizable pods are tracked yet'];
  if (o.podsReporting === 0)
    return ['False', 'AwaitingReports', 'no agent has reported on the tracked pods yet'];
  const without = o.responseTime?.without.length ?? 0;
  if (without >= o.podsTracked)
    return [
      'False',
      'NoResponseTimeSignal',
      `no tracked pod has a response-time signal (see MetricsAvailable): ${o.podsTracked} held`,
    ];
  const signal = without > 0 ? `, ${without} without response-time signal` : '';
  return ['True', 'Tracking', `${o.podsReporting}/${o.podsTracked} pods reporting${signal}`];
}

export function buildSlaStatus(
  prev: ServiceLevelAgreementStatus | undefined,
  o: SlaObservation,
  nowIso: string,
): ServiceLevelAgreementStatus {
  const gen = o.observedGeneration;
  const [rs, rr, rm] = ready(o);
  const conditions = [
    condition(prev?.conditions, 'Ready', rs, rr, rm, nowIso, gen),
    o.invalid
      ? condition(prev?.conditions, 'Invalid', 'True', o.invalid.reason, o.invalid.message, nowIso, gen)
      : condition(prev?.conditions, 'Invalid', 'False', 'Valid', 'the SLA is valid', nowIso, gen),
    o.limited
      ? condition(
          prev?.conditions,
          'ScalingLimited',
          'True',
          o.limited.reason,
          o.limited.message,
          nowIso,
          gen,
        )
      : condition(
          prev?.conditions,
          'ScalingLimited',
          'False',
          'WithinBounds',
          'scaling is within bounds',
          nowIso,
          gen,
        ),
    o.skipped
      ? condition(prev?.conditions, 'PodsSkipped', 'True', o.skipped.reason, o.skipped.message, nowIso, gen)
      : condition(
          prev?.conditions,
          'PodsSkipped',
          'False',
          'AllTracked',
          'every matched pod is tracked',
          nowIso,
          gen,
        ),
  ];
  const metrics = metricsSignal(o);
  if (metrics) conditions.push(metricsAvailableCondition(prev?.conditions, metrics, nowIso, gen));
  const status: ServiceLevelAgreementStatus = { conditions, podsTracked: o.podsTracked };
  if (gen !== undefined) status.observedGeneration = gen;
  if (o.replicas !== undefined) status.replicas = o.replicas;
  if (o.desiredReplicas !== undefined) status.desiredReplicas = o.desiredReplicas;
  if (o.observedResponseSeconds !== undefined)
    status.observedResponseTime = formatSeconds(o.observedResponseSeconds);
  if (o.requestRate !== undefined) status.requestRate = Math.round(o.requestRate * 100) / 100;
  const lastScaleTime = o.lastScaleTime ?? prev?.lastScaleTime;
  if (lastScaleTime) status.lastScaleTime = lastScaleTime;
  return status;
}

const secondsOf = (s: string | undefined) => (s ? parseDurationSeconds(s) : undefined);

function movedBeyond(a: number | undefined, b: number | undefined, fraction: number): boolean {
  if (a === undefined || b === undefined) return a !== b;
  const base = Math.max(Math.abs(a), Math.abs(b));
  return base > 0 && Math.abs(a - b) / base > fraction;
}

/** True when the new status is worth a write: any condition or count changed, or a number moved beyond the deadband. */
export function statusNeedsWrite(
  prev: ServiceLevelAgreementStatus | undefined,
  next: ServiceLevelAgreementStatus,
  deadbandFraction = 0.1,
): boolean {
  if (!prev) return true;
  const condKey = (cs: Condition[] | undefined) =>
    JSON.stringify((cs ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration]));
  if (condKey(prev.conditions) !== condKey(next.conditions)) return true;
  if (prev.replicas !== next.replicas || prev.desiredReplicas !== next.desiredReplicas) return true;
  if (prev.podsTracked !== next.podsTracked || prev.observedGeneration !== next.observedGeneration)
    return true;
  if (prev.lastScaleTime !== next.lastScaleTime) return true;
  if (
    movedBeyond(secondsOf(prev.observedResponseTime), secondsOf(next.observedResponseTime), deadbandFraction)
  ) {
    return true;
  }
  return movedBeyond(prev.requestRate, next.requestRate, deadbandFraction);
}
