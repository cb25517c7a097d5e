import { describe, expect, it } from 'vitest';
import { buildPodScaleStatus, sameStatus } from '../../../../agent/src/actuator/podscale-status.ts';

const none = { state: 'None' as const, message: '' };

describe('buildPodScaleStatus', () => {
  it('writes actual, capped with its reason, and the two conditions', () => {
    const status = buildPodScaleStatus(undefined, {
      enacted: { cpuMilli: 1800, memoryBytes: 256 * 2 ** 20 },
      cap: { capped: { cpuMilli: 1800, memoryBytes: 0 }, reason: 'NodeContention', message: 'no room' },
      resize: none,
      lastResizeTime: '2026-01-01T00:00:00.000Z',
      nowIso: '2026-01-01T00:00:01.000Z',
    });
    expect(status).toEqual({
      actual: { cpu: '1800m', memory: '256Mi' },
      capped: { cpu: '1800m', reason: 'NodeContention', message: 'no room' },
      lastResizeTime: '2026-01-01T00:00:00.000Z',
      conditions: [
        expect.objectContaining({ type: 'Enacted', status: 'True', reason: 'Enacted' }),
        expect.objectContaining({ type: 'Capped', status: 'True', reason: 'NodeContention' }),
      ],
    });
  });

  it('is unchanged when nothing but the clock moved, so no write is needed', () => {
    const input = {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: undefined,
      resize: none,
      lastResizeTime: undefined,
    };
    const first = buildPodScaleStatus(undefined, { ...input, nowIso: '2026-01-01T00:00:00.000Z' });
    const second = buildPodScaleStatus(first, { ...input, nowIso: '2026-01-01T00:05:00.000Z' });
    expect(sameStatus(first, second)).toBe(true);
  });

  it('compares one written status against many, each answered on its own content', () => {
    const written = { actual: { cpu: '500m' }, lastResizeTime: '2026-01-01T00:00:00.000Z' };
    expect(sameStatus(written, { lastResizeTime: '2026-01-01T00:00:00.000Z', actual: { cpu: '500m' } })).toBe(
      true,
    );
    expect(sameStatus(written, { actual: { cpu: '600m' }, lastResizeTime: '2026-01-01T00:00:00.000Z' })).toBe(
      false,
    );
    expect(
      sameStatus(written, {
        actual: { cpu: '500m', memory: '' },
        lastResizeTime: '2026-01-01T00:00:00.000Z',
      }),
    ).toBe(true);
    expect(sameStatus(undefined, {})).toBe(true);
    expect(sameStatus(undefined, written)).toBe(false);
  });

  it('changes, with a new transition time, when a resize turns Infeasible', () => {
    const before = buildPodScaleStatus(undefined, {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: undefined,
      resize: none,
      lastResizeTime: undefined,
      nowIso: '2026-01-01T00:00:00.000Z',
    });
    const after = buildPodScaleStatus(before, {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: { capped: { cpuMilli: 500, memoryBytes: 0 }, reason: 'ResizeInfeasible', message: 'too big' },
      resize: { state: 'Infeasible', message: 'too big' },
      lastResizeTime: undefined,
      nowIso: '2026-01-01T00:01:00.000Z',
    });
    expect(sameStatus(before, after)).toBe(false);
    expect(after.conditions![0]).toMatchObject({
      type: 'Enacted',
      status: 'False',
      reason: 'ResizeInfeasible',
      lastTransitionTime: '2026-01-01T00:01:00.000Z',
    });
  });

  it.each([
    [{ reason: '', message: '' }, 'True', 'MetricsReceived'],
    [{ reason: 'PrometheusStale', message: 'older than 45 s' }, 'False', 'PrometheusStale'],
    [{ reason: 'AwaitingPrometheus', message: 'first query' }, 'Unknown', 'AwaitingPrometheus'],
  ])('MetricsAvailable from the hub for a Prometheus-sourced pod: %o → %s', (hubMetrics, status, reason) => {
    const s = buildPodScaleStatus(undefined, {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: undefined,
      resize: none,
      lastResizeTime: undefined,
      nowIso: '2026-01-01T00:00:00.000Z',
      hubMetrics,
    });
    expect(s.conditions?.find((c) => c.type === 'MetricsAvailable')).toMatchObject({ status, reason });
  });

  it('has no MetricsAvailable from the hub for a scraped pod', () => {
    const s = buildPodScaleStatus(undefined, {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: undefined,
      resize: none,
      lastResizeTime: undefined,
      nowIso: '2026-01-01T00:00:00.000Z',
    });
    expect(s.conditions?.map((c) => c.type)).toEqual(['Enacted', 'Capped']);
  });

  it('says MetricsAvailable=False with the scrape failure, and keeps the condition while the health is unknown', () => {
    const base = {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: undefined,
      resize: none,
      lastResizeTime: undefined,
    };
    const failing = buildPodScaleStatus(undefined, {
      ...base,
      nowIso: '2026-01-01T00:00:00.000Z',
      metrics: { state: 'failing', reason: 'ScrapeTimeout', message: 'timeout after 2000ms', sinceMs: 0 },
    });
    expect(failing.conditions?.find((c) => c.type === 'MetricsAvailable')).toMatchObject({
      status: 'False',
      reason: 'ScrapeTimeout',
      message: 'timeout after 2000ms',
    });
    const unknown = buildPodScaleStatus(failing, { ...base, nowIso: '2026-01-01T00:00:05.000Z' });
    expect(sameStatus(failing, unknown)).toBe(true);
    const back = buildPodScaleStatus(unknown, {
      ...base,
      nowIso: '2026-01-01T00:00:09.000Z',
      metrics: { state: 'answering' },
    });
    expect(back.conditions?.find((c) => c.type === 'MetricsAvailable')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-01-01T00:00:09.000Z',
    });
  });

  it('has one MetricsAvailable, the hub’s, when the hub and the scraper both report on the pod', () => {
    const s = buildPodScaleStatus(undefined, {
      enacted: { cpuMilli: 500, memoryBytes: 0 },
      cap: undefined,
      resize: none,
      lastResizeTime: undefined,
      nowIso: '2026-01-01T00:00:00.000Z',
      hubMetrics: { reason: 'PrometheusStale', message: 'newest sample 60 s old' },
      metrics: { state: 'failing', reason: 'ScrapeTimeout', message: 'timeout after 2000ms', sinceMs: 0 },
    });
    expect(s.conditions?.filter((c) => c.type === 'MetricsAvailable')).toEqual([
      expect.objectContaining({ status: 'False', reason: 'PrometheusStale' }),
    ]);
  });
});

describe('sameStatus', () => {
  it.each([
    [
      'a field only one side has',
      { actual: { cpu: '500m' } },
      { actual: { cpu: '500m', memory: '1Gi' } },
      false,
    ],
    ['a field empty on one side, absent on the other', { capped: { reason: '' } }, { capped: {} }, true],
    [
      'conditions in another order',
      { conditions: [{ type: 'A' }, { type: 'B' }] },
      { conditions: [{ type: 'B' }, { type: 'A' }] },
      false,
    ],
    [
      'one condition more',
      { conditions: [{ type: 'A' }] },
      { conditions: [{ type: 'A' }, { type: 'B' }] },
      false,
    ],
    ['an object where the other has a string', { actual: { cpu: '1' } }, { actual: '1' }, false],
    [
      'equal nested content',
      { conditions: [{ type: 'A', status: 'True' }], actual: { cpu: '1' } },
      { actual: { cpu: '1' }, conditions: [{ status: 'True', type: 'A' }] },
      true,
    ],
  ])('%s', (_what, a, b, same) => {
    expect(sameStatus(a as never, b as never)).toBe(same);
    expect(sameStatus(b as never, a as never)).toBe(same);
  });
});
