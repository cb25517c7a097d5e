// The background reader: one query per SLA per refresh, never two at once for an SLA, a bounded
// number in flight, the pods' samples kept between answers, an answer that is too old not used.
import { describe, expect, it } from 'vitest';
import type { PrometheusQueryClient, QueryOutcome } from '../../../../hub/src/prometheus/api-client.ts';
import { PrometheusSignals } from '../../../../hub/src/prometheus/prometheus-signals.ts';
import type { ServiceLevelAgreement } from '../../../../lib/api/types.ts';
import { silentLogger } from '../../../../lib/log.ts';

function sla(name: string, prometheus: Record<string, unknown> = {}): ServiceLevelAgreement {
  return {
    apiVersion: 'autoscaling.kosmos.dev/v1alpha1',
    kind: 'ServiceLevelAgreement',
    metadata: { name, namespace: 'default' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      objective: { responseTime: '200ms', statistic: 'p95' },
      metrics: { prometheus: { url: 'http://prom', metric: 'm', scrapeInterval: '2s', ...prometheus } },
      resources: { min: { cpu: '100m' }, max: { cpu: '2' } },
      replicas: { max: 3 },
    },
  };
}

/** A client whose answers the test releases by hand. */
function manualClient() {
  const calls: Array<{ expr: string; resolve: (o: QueryOutcome) => void }> = [];
  const client: PrometheusQueryClient = {
    query: (_target, expr) => new Promise((resolve) => calls.push({ expr, resolve })),
  };
  return { client, calls };
}

const answer = (pod: string, rate: string, rt: string): QueryOutcome => ({
  ok: true,
  evalTimeSeconds: 100,
  series: [
    { metric: { kosmos_signal: 'rate', pod }, value: [100, rate] },
    { metric: { kosmos_signal: 'rt', pod }, value: [100, rt] },
    { metric: { kosmos_signal: 'newest', pod }, value: [100, '99.5'] },
  ],
});

describe('PrometheusSignals', () => {
  it('queries once per refresh (half the scrape interval), one in flight per SLA, and keeps the last answer', async () => {
    let now = 0;
    const { client, calls } = manualClient();
    const outcomes: number[] = [];
    const signals = new PrometheusSignals({
      client,
      log: silentLogger(),
      now: () => now,
      onQuery: (f) => outcomes.push(f.size),
    });
    expect(signals.observe(sla('web'), ['web-1'])).toBeUndefined();
    expect(calls).toHaveLength(1);
    now = 2000;
    signals.observe(sla('web'), ['web-1']); // due, but the first is still in flight
    expect(calls).toHaveLength(1);
    calls[0]!.resolve(answer('web-1', '10', '0.15'));
    await signals.idle();
    const got = signals.observe(sla('web'), ['web-1']);
    expect(got?.pods.get('web-1')).toEqual({
      ok: true,
      requestRate: 10,
      responseTimeSeconds: 0.15,
      sampleAgeSeconds: 0.5,
    });
    expect(calls).toHaveLength(2); // due since t=1000: started now
    now = 2500;
    signals.observe(sla('web'), ['web-1']);
    expect(calls).toHaveLength(2); // in flight
    calls[1]!.resolve(answer('web-1', '12', '0.1'));
    await signals.idle();
    now = 2900;
    signals.observe(sla('web'), ['web-1']);
    expect(calls).toHaveLength(2); // refreshed at 2000, next at 3000
    expect(outcomes).toEqual([0, 0]);
  });

  it('a new pod starts a query at once; the answer covers all the SLA’s pods in one query', async () => {
    let now = 0;
    const { client, calls } = manualClient();
    const signals = new PrometheusSignals({ client, log: silentLogger(), now: () => now });
    signals.observe(sla('web'), ['web-1']);
    calls[0]!.resolve(answer('web-1', '1', '0.1'));
    await signals.idle();
    now = 10;
    signals.observe(sla('web'), ['web-1', 'web-2']);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.expr).toContain('pod=~"web-1|web-2"');
  });

  it('bounds the queries in flight over all SLAs', () => {
    const { client, calls } = manualClient();
    const signals = new PrometheusSignals({ client, log: silentLogger(), now: () => 0, maxInFlight: 2 });
    for (const name of ['a', 'b', 'c']) signals.observe(sla(name), [`${name}-1`]);
    expect(calls).toHaveLength(2);
  });

  it('an SLA without a usable source fails at once with PrometheusNotConfigured, without querying', () => {
    const { client, calls } = manualClient();
    const signals = new PrometheusSignals({ client, log: silentLogger(), now: () => 0 });
    const got = signals.observe(sla('web', { url: undefined }), ['web-1']);
    expect(got?.failure?.reason).toBe('PrometheusNotConfigured');
    expect(got?.pods.get('web-1')).toMatchObject({ ok: false, reason: 'PrometheusNotConfigured' });
    expect(calls).toHaveLength(0);
  });

  it('an answer older than staleness plus the deadline is not used (queries starved or stuck)', async () => {
    let now = 0;
    const { client, calls } = manualClient();
    const signals = new PrometheusSignals({ client, log: silentLogger(), now: () => now, maxInFlight: 1 });
    signals.observe(sla('web'), ['web-1']);
    calls[0]!.resolve(answer('web-1', '10', '0.1'));
    await signals.idle();
    now = 1000;
    signals.observe(sla('web'), ['web-1']); // starts a query that never answers
    now = 1000 + (6 + 5) * 1000 + 1;
    expect(signals.observe(sla('web'), ['web-1'])?.pods.get('web-1')).toMatchObject({
      ok: false,
      reason: 'PrometheusStale',
    });
  });
});
