import { describe, expect, it } from 'vitest';
import { withPrometheusSample } from '../../../../hub/src/prometheus/pod-signal.ts';
import type { PodSignal } from '../../../../hub/src/recommender/types.ts';

const agentWindow: PodSignal = {
  periodSeconds: 2,
  enactedCpuMilli: 500,
  enactedMemoryBytes: 2 ** 27,
  cpuUsageMilli: 300,
  throttledRatio: 0,
  requestRate: 0,
  requestCount: 0,
  memoryWorkingSetBytes: 2 ** 26,
  oomKilled: false,
  usageValid: true,
};

describe('withPrometheusSample', () => {
  it('keeps the agent’s usage and takes rate and response time from Prometheus; requests = rate × window', () => {
    expect(
      withPrometheusSample(agentWindow, { ok: true, requestRate: 30, responseTimeSeconds: 0.12 }),
    ).toEqual({
      ...agentWindow,
      requestRate: 30,
      requestCount: 60,
      responseTimeSeconds: 0.12,
    });
  });

  it('an idle pod has no response time, whatever the agent scraped', () => {
    const out = withPrometheusSample(
      { ...agentWindow, responseTimeSeconds: 9 },
      { ok: true, requestRate: 0 },
    );
    expect(out.responseTimeSeconds).toBeUndefined();
    expect(out.requestCount).toBe(0);
  });
});
