import { describe, expect, it } from 'vitest';
import { buildSlaStatus, formatSeconds, statusNeedsWrite } from '../../../../hub/src/sla/sla-status.ts';

const base = {
  podsTracked: 2,
  podsReporting: 2,
  replicas: 2,
  observedResponseSeconds: 0.18,
  requestRate: 100,
};

describe('buildSlaStatus', () => {
  it.each([
    { o: base, ready: 'True', readyReason: 'Tracking', invalid: 'False' },
    {
      o: { ...base, podsTracked: 0, podsReporting: 0 },
      ready: 'False',
      readyReason: 'NoPods',
      invalid: 'False',
    },
    { o: { ...base, podsReporting: 0 }, ready: 'False', readyReason: 'AwaitingReports', invalid: 'False' },
    {
      o: { ...base, invalid: { reason: 'TargetNotFound', message: 'Deployment web not found' } },
      ready: 'False',
      readyReason: 'Invalid',
      invalid: 'True',
    },
  ])('Ready=$ready ($readyReason), Invalid=$invalid', (c) => {
    const s = buildSlaStatus(undefined, c.o, 't0');
    const cond = (t: string) => s.conditions?.find((x) => x.type === t);
    expect(cond('Ready')).toMatchObject({ status: c.ready, reason: c.readyReason });
    expect(cond('Invalid')?.status).toBe(c.invalid);
  });

  it('keeps lastTransitionTime while a condition’s status holds and moves it on change', () => {
    const s1 = buildSlaStatus(undefined, base, 't0');
    const s2 = buildSlaStatus(s1, base, 't1');
    expect(s2.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('t0');
    const s3 = buildSlaStatus(s2, { ...base, limited: { reason: 'MaxReplicas', message: 'at 5' } }, 't2');
    expect(s3.conditions?.find((c) => c.type === 'ScalingLimited')).toMatchObject({
      status: 'True',
      lastTransitionTime: 't2',
    });
  });

  it('reports matched pods that cannot be tracked in the PodsSkipped condition', () => {
    const s = buildSlaStatus(
      undefined,
      { ...base, skipped: { reason: 'ContainerNotFound', message: 'pod web-3: no container app' } },
      't0',
    );
    expect(s.conditions?.find((c) => c.type === 'PodsSkipped')).toMatchObject({
      status: 'True',
      reason: 'ContainerNotFound',
    });
  });

  it.each([
    [0.183, '183ms'],
    [1.234, '1.23s'],
  ])('formats %s s as %s', (s, want) => expect(formatSeconds(s)).toBe(want));
});

describe('statusNeedsWrite', () => {
  const prev = buildSlaStatus(undefined, base, 't0');
  it.each([
    { name: 'identical', o: base, write: false },
    { name: 'RT within deadband', o: { ...base, observedResponseSeconds: 0.19 }, write: false },
    { name: 'RT beyond deadband', o: { ...base, observedResponseSeconds: 0.25 }, write: true },
    { name: 'rate within deadband', o: { ...base, requestRate: 105 }, write: false },
    { name: 'replicas changed', o: { ...base, replicas: 3 }, write: true },
    { name: 'condition changed', o: { ...base, podsReporting: 0 }, write: true },
  ])('$name → $write', (c) => {
    expect(statusNeedsWrite(prev, buildSlaStatus(prev, c.o, 't1'))).toBe(c.write);
  });
});

describe('MetricsAvailable (response time read by the hub from Prometheus)', () => {
  const cond = (o: Parameters<typeof buildSlaStatus>[1]) =>
    buildSlaStatus(undefined, o, 't0').conditions?.find((c) => c.type === 'MetricsAvailable');

  it('is absent for SLAs whose agents scrape the pods', () => {
    expect(cond(base)).toBeUndefined();
  });

  it('is Unknown before the first answer, True when every pod has a signal', () => {
    expect(cond({ ...base, responseTime: { awaiting: true, without: [] } })).toMatchObject({
      status: 'Unknown',
      reason: 'AwaitingPrometheus',
    });
    expect(cond({ ...base, responseTime: { awaiting: false, without: [] } })).toMatchObject({
      status: 'True',
      reason: 'AllPodsSignalling',
      message: '2/2 pods with a response-time signal',
    });
  });

  it('is False with the pods’ common reason, or MetricsUnavailable when they differ, naming the pods', () => {
    const stale = { pod: 'web-1', reason: 'PrometheusStale', message: 'old' };
    expect(cond({ ...base, responseTime: { awaiting: false, without: [stale] } })).toMatchObject({
      status: 'False',
      reason: 'PrometheusStale',
      message: '1/2 pods without response-time signal, allocations held: web-1 (PrometheusStale: old)',
    });
    const nan = { pod: 'web-2', reason: 'PrometheusNotANumber', message: 'NaN' };
    expect(cond({ ...base, responseTime: { awaiting: false, without: [stale, nan] } })).toMatchObject({
      status: 'False',
      reason: 'MetricsUnavailable',
    });
  });

  it('stays one condition when the source moves from the scrape to Prometheus', () => {
    const scraped = buildSlaStatus(
      undefined,
      {
        ...base,
        responseTime: { awaiting: false, without: [{ pod: 'web-1', reason: 'ScrapeTimeout', message: 't' }] },
      },
      't0',
    );
    const next = buildSlaStatus(scraped, { ...base, responseTime: { awaiting: true, without: [] } }, 't1');
    expect(next.conditions?.filter((c) => c.type === 'MetricsAvailable')).toEqual([
      expect.objectContaining({ status: 'Unknown', reason: 'AwaitingPrometheus', lastTransitionTime: 't1' }),
    ]);
  });
});
