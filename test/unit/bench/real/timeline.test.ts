import { describe, expect, it } from 'vitest';
import { timeline } from '../../../../bench/real/timeline.ts';

const pod = (desiredMilli: number, cappedMilli: number) => ({
  pod: 'web-a',
  rtMs: 300,
  requestRate: 40,
  usageMilli: 590,
  desiredMilli,
  enactedMilli: 600,
  cappedMilli,
  weight: 100,
});

describe('timeline', () => {
  it("sets each 5 s of client p95 beside the means of quota, use and the hub's view in them", () => {
    const seconds = Array.from({ length: 10 }, (_, t) => ({
      t,
      offeredRps: t < 5 ? 8 : 40,
      allocatedMilli: t < 5 ? 200 : 600,
      usedMilli: t < 5 ? 100 : 590,
      replicas: t < 8 ? 1 : 2,
      pods: t < 8 ? 1 : 2,
      ...(t >= 5
        ? {
            hub: { serviceRtMs: 300, serviceRate: 40, desiredReplicas: 2, pods: [pod(700, t < 7 ? 100 : 0)] },
          }
        : {}),
    }));
    const rows = timeline({
      workload: 'step',
      contender: 'kosmos',
      seconds,
      p95Per5s: [
        { t: 0, p95Ms: 50 },
        { t: 5, p95Ms: 400 },
      ],
    });
    expect(rows[0]).toEqual({
      t: 0,
      offeredRps: 8,
      clientP95Ms: 50,
      quotaMilli: 200,
      usedMilli: 100,
      replicas: 1,
    });
    expect(rows[1]).toMatchObject({
      offeredRps: 40,
      clientP95Ms: 400,
      quotaMilli: 600,
      replicas: 2,
      hubRtMs: 300,
      desiredMilli: 700,
      cappedMilli: 40,
      desiredReplicas: 2,
    });
  });
});
