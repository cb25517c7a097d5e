import { describe, expect, it } from 'vitest';
import { podSampleFromWire } from '../../../../hub/src/agentserver/report-sample.ts';
import { observePod, observeService, type TrackedPodView } from '../../../../hub/src/loop/observe.ts';
import { podReport } from '../fixtures.ts';

const SPEC = { cpuMilli: 500, memoryBytes: 2 ** 28 };

function view(over: Partial<TrackedPodView> & { key: string }): TrackedPodView {
  return {
    name: over.key,
    ready: true,
    unschedulable: false,
    specResources: SPEC,
    sample: podSampleFromWire(podReport({ uid: over.key })),
    reportWindowSeconds: 1,
    fresh: true,
    ...over,
  };
}

const scraped = { statistic: 'p95' as const, scraped: true, hub: undefined };

describe('observePod', () => {
  it('gives a ready pod with a fresh sample the sample’s signal and the kubelet’s size', () => {
    const o = observePod(view({ key: 'a' }), scraped);
    expect(o).toMatchObject({ key: 'a', ready: true, enacted: { cpuMilli: 250 }, cappedReason: 'None' });
    expect(o.signal).toMatchObject({ requestRate: 100, responseTimeSeconds: 0.1, cpuUsageMilli: 100 });
  });

  it.each([
    { name: 'not ready', over: { ready: false } },
    { name: 'a sample already acted on', over: { fresh: false } },
    { name: 'no sample', over: { sample: undefined } },
    {
      name: 'a container not started (zero enacted CPU)',
      over: { sample: podSampleFromWire(podReport({ uid: 'a', enacted: { cpuMilli: 0, memoryBytes: 0 } })) },
    },
    {
      name: 'a failing metrics endpoint of a scraped SLA',
      over: {
        sample: podSampleFromWire(
          podReport({
            uid: 'a',
            responseTime: { ...podReport({ uid: 'a' }).responseTime!, failureReason: 'ScrapeTimeout' },
          }),
        ),
      },
    },
  ])('holds a pod with $name (no signal)', ({ over }) => {
    expect(observePod(view({ key: 'a', ...over }), scraped).signal).toBeUndefined();
  });

  it('falls back to the spec’s size until the kubelet reports one', () => {
    const o = observePod(view({ key: 'a', sample: undefined }), scraped);
    expect(o.enacted).toEqual(SPEC);
  });

  it('takes a Prometheus-sourced pod’s rate and response time from the hub’s sample, none without one', () => {
    const hub = {
      samples: {
        atMs: 0,
        pods: new Map([['a', { ok: true as const, requestRate: 7, responseTimeSeconds: 0.3 }]]),
      },
    };
    const o = { statistic: 'p95' as const, scraped: false, hub };
    expect(observePod(view({ key: 'a' }), o).signal).toMatchObject({
      requestRate: 7,
      responseTimeSeconds: 0.3,
    });
    expect(observePod(view({ key: 'b' }), o).signal).toBeUndefined();
  });
});

describe('observeService', () => {
  it('counts ready and unschedulable pods and takes a new pod’s size from a pod not ready yet', () => {
    const s = observeService(
      [
        view({ key: 'a' }),
        view({
          key: 'b',
          ready: false,
          unschedulable: true,
          specResources: { cpuMilli: 300, memoryBytes: 1 },
        }),
        view({ key: 'c', ready: false, specResources: { cpuMilli: 0, memoryBytes: 0 } }),
      ],
      scraped,
    );
    expect(s).toMatchObject({ readyReplicas: 1, unschedulableReplicas: 1, newPodCpuMilli: 300 });
    expect(s.pods.map((p) => p.key)).toEqual(['a', 'b', 'c']);
  });
});
