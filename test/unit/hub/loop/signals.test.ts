import { describe, expect, it } from 'vitest';
import { podSampleFromWire } from '../../../../hub/src/agentserver/report-sample.ts';
import { containerResources, isPodUnschedulable, podSignal } from '../../../../hub/src/loop/signals.ts';
import { podReport } from '../fixtures.ts';

const sample = (over: Parameters<typeof podReport>[0]) => podSampleFromWire(podReport(over));

describe('podSignal', () => {
  it('takes the SLA statistic, the rate over the scrape’s own window and the enacted allocation', () => {
    const s = podSignal(sample({ uid: 'a' }), 2, 'p95');
    expect(s).toMatchObject({
      periodSeconds: 1,
      enactedCpuMilli: 250,
      cpuUsageMilli: 100,
      requestCount: 100,
      requestRate: 100,
      responseTimeSeconds: 0.1,
      oomKilled: false,
      usageValid: true,
    });
  });

  it.each([
    { name: 'an invalid scrape', rt: { valid: false, requestCount: 100 } },
    { name: 'a window without requests', rt: { valid: true, requestCount: 0 } },
    { name: 'a window too short to be evidence', rt: { valid: true, windowSeconds: 0.004 } },
    { name: 'a failing endpoint', rt: { failureReason: 'ScrapeTimeout', error: 'timeout after 2000ms' } },
  ])('carries no response time for $name', (c) => {
    const base = podReport({ uid: 'a' });
    const s = podSignal(
      podSampleFromWire({ ...base, responseTime: { ...base.responseTime!, ...c.rt } }),
      1,
      'mean',
    );
    expect(s.responseTimeSeconds).toBeUndefined();
    expect(s.requestCount).toBe(0);
  });

  it.each([
    ['mean', 0.05],
    ['p50', 0.04],
    ['p90', 0.08],
    ['p99', 0.15],
  ] as const)('statistic %s → %s s', (statistic, want) => {
    expect(podSignal(sample({ uid: 'a' }), 1, statistic).responseTimeSeconds).toBe(want);
  });
});

describe('containerResources', () => {
  it('prefers what the kubelet reports over the spec', () => {
    const pod = {
      spec: { containers: [{ name: 'app', resources: { requests: { cpu: '200m', memory: '128Mi' } } }] },
      status: {
        containerStatuses: [{ name: 'app', resources: { requests: { cpu: '300m', memory: '128Mi' } } }],
      },
    } as never;
    expect(containerResources(pod, 'app')).toEqual({ cpuMilli: 300, memoryBytes: 128 * 2 ** 20 });
  });
});

describe('isPodUnschedulable', () => {
  const scheduled = (status: string, reason?: string, nodeName?: string) =>
    ({
      spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status, reason }] },
    }) as never;
  it.each([
    { name: 'the scheduler found no node', pod: scheduled('False', 'Unschedulable'), expected: true },
    {
      name: 'not tried yet',
      pod: { spec: { containers: [] }, status: { phase: 'Pending' } } as never,
      expected: false,
    },
    { name: 'bound to a node', pod: scheduled('True', undefined, 'n1'), expected: false },
    { name: 'gated, not unschedulable', pod: scheduled('False', 'SchedulingGated'), expected: false },
  ])('$name → $expected', ({ pod, expected }) => {
    expect(isPodUnschedulable(pod)).toBe(expected);
  });
});
