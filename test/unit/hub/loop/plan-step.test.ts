import { describe, expect, it } from 'vitest';
import { planService, policyFromSla } from '../../../../hub/src/control/index.ts';
import type { PlanServiceFn, ServiceObservations } from '../../../../hub/src/control/types.ts';
import type { ServiceObserved } from '../../../../hub/src/loop/observe.ts';
import { planStep } from '../../../../hub/src/loop/plan-step.ts';

const policy = policyFromSla({
  targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
  objective: { responseTime: '200ms', statistic: 'p95' },
  metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
  resources: { min: { cpu: '100m', memory: '64Mi' }, max: { cpu: '2', memory: '1Gi' } },
  replicas: { min: 1, max: 8 },
}).policy!;

const pod = (key: string, cappedCpuMilli: number) => ({
  key,
  ready: true,
  enacted: { cpuMilli: 500, memoryBytes: 2 ** 28 },
  capped: { cpuMilli: cappedCpuMilli, memoryBytes: 0 },
  cappedReason: cappedCpuMilli > 0 ? ('NodeContention' as const) : ('None' as const),
});

function run(observed: ServiceObserved, nodesAutoscaled: boolean, newPodCpuMilli?: number) {
  const seen: ServiceObservations[] = [];
  const asked: number[] = [];
  const spy: PlanServiceFn = (p, s, o) => {
    seen.push(o);
    return planService(p, s, o);
  };
  planStep(spy, {
    policy,
    state: undefined,
    observed,
    nowSeconds: 10,
    currentReplicas: 2,
    nodesAutoscaled,
    newPodCpuMilli,
    room: (cpu) => {
      asked.push(cpu);
      return 1234;
    },
  });
  return { o: seen[0]!, asked };
}

describe('planStep', () => {
  it('asks where a new pod could land only when some pod is node-capped', () => {
    const free = run({ pods: [pod('a', 0)], readyReplicas: 1, unschedulableReplicas: 0 }, false);
    expect(free.asked).toEqual([]);
    expect(free.o.scaleOutRoomCpuMilli).toBeUndefined();
    const capped = run({ pods: [pod('a', 200)], readyReplicas: 1, unschedulableReplicas: 0 }, false, 300);
    expect(capped.asked).toEqual([300]);
    expect(capped.o.scaleOutRoomCpuMilli).toBe(1234);
  });

  it('never asks when nodes are autoscaled; a new pod defaults to the SLA minimum', () => {
    expect(run({ pods: [pod('a', 200)], readyReplicas: 1, unschedulableReplicas: 2 }, true).asked).toEqual(
      [],
    );
    expect(run({ pods: [pod('a', 200)], readyReplicas: 1, unschedulableReplicas: 0 }, false).asked).toEqual([
      100,
    ]);
  });

  it('passes the observed counts through', () => {
    const { o } = run({ pods: [pod('a', 0)], readyReplicas: 1, unschedulableReplicas: 2 }, false);
    expect(o).toMatchObject({
      nowSeconds: 10,
      currentReplicas: 2,
      readyReplicas: 1,
      unschedulableReplicas: 2,
    });
  });
});
