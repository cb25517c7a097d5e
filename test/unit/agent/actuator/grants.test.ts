import { describe, expect, it } from 'vitest';
import { planGrants } from '../../../../agent/src/actuator/grants.ts';
import type { TrackedPod } from '../../../../agent/src/pods/node-view.ts';
import type { NodeDirective__Output } from '../../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { PodDirective__Output } from '../../../../proto/gen/kosmos/v1/PodDirective.ts';

function tracked(uid: string, cpuRequestMilli: number): TrackedPod {
  return {
    uid,
    namespace: 'ns',
    name: uid,
    container: 'app',
    sla: 'ns/web',
    podIp: '',
    qosClass: 'Burstable',
    spec: { cpuRequestMilli, memoryRequestBytes: 100 },
    enacted: undefined,
    resize: { state: 'None', message: '' },
    health: { ready: true, restartCount: 0, lastTerminationOom: false, containerId: '' },
  };
}

function directed(
  uid: string,
  cpuMilli: number,
  extra: Partial<PodDirective__Output> = {},
): PodDirective__Output {
  return {
    uid,
    namespace: 'ns',
    name: uid,
    container: 'app',
    desired: { cpuMilli, memoryBytes: 0 },
    minimum: null,
    essential: null,
    maximum: null,
    priority: 0,
    recommendOnly: false,
    sla: 'ns/web',
    hubSourcedMetrics: false,
    metricsFailureReason: '',
    metricsFailureMessage: '',
    ...extra,
  };
}

function directive(pods: PodDirective__Output[]): NodeDirective__Output {
  return {
    nodeName: 'n',
    inReplyTo: 1,
    pods,
    policy: 'ARBITRATION_POLICY_PROPORTIONAL',
    tickPeriodMs: 1000,
    reserve: null,
  };
}

const allocatable = { cpuMilli: 4000, memoryBytes: 10_000 };
const zero = { cpuMilli: 0, memoryBytes: 0 };

describe('planGrants', () => {
  it('grants everything when the desired allocations fit', () => {
    const plan = planGrants({
      directive: directive([directed('a', 1000), directed('b', 1000)]),
      tracked: [tracked('a', 500), tracked('b', 500)],
      allocatable,
      untrackedRequests: zero,
      reserve: zero,
    });
    expect(plan.grants.map((g) => [g.granted.cpuMilli, g.reason])).toEqual([
      [1000, 'None'],
      [1000, 'None'],
    ]);
  });

  it('subtracts untracked requests, the reserve and pods left alone, then shares proportionally', () => {
    const plan = planGrants({
      directive: directive([directed('a', 3000), directed('b', 2000)]),
      tracked: [tracked('a', 500), tracked('b', 500), tracked('held', 500)],
      allocatable,
      untrackedRequests: { cpuMilli: 1000, memoryBytes: 0 },
      reserve: { cpuMilli: 500, memoryBytes: 0 },
    });
    expect(plan.capacity.cpuMilli).toBe(2000);
    expect(plan.grants.map((g) => [g.pod, g.granted.cpuMilli, g.reason])).toEqual([
      ['ns/a', 1200, 'NodeContention'],
      ['ns/b', 800, 'NodeContention'],
    ]);
  });

  it('passes each directive’s essential CPU to the arbiter: it is granted before any margin', () => {
    const essential = (cpuMilli: number) => ({ essential: { cpuMilli, memoryBytes: 0 } });
    const plan = planGrants({
      directive: directive([directed('a', 3000, essential(1600)), directed('b', 3000, essential(200))]),
      tracked: [tracked('a', 500), tracked('b', 500)],
      allocatable: { cpuMilli: 2000, memoryBytes: 10_000 },
      untrackedRequests: zero,
      reserve: zero,
    });
    // 200 left after 1600 + 200 is shared ∝ margin (1400 : 2800).
    expect(plan.grants.map((g) => g.granted.cpuMilli)).toEqual([1667, 333]);
  });

  it('takes the larger of the configured and the directed reserve', () => {
    const d = { ...directive([directed('a', 100)]), reserve: { cpuMilli: 700, memoryBytes: 0 } };
    const plan = planGrants({
      directive: d,
      tracked: [tracked('a', 100)],
      allocatable,
      untrackedRequests: zero,
      reserve: { cpuMilli: 300, memoryBytes: 50 },
    });
    expect(plan.reserve).toEqual({ cpuMilli: 700, memoryBytes: 50 });
  });

  it('bounds the desire by the SLA maximum and says so', () => {
    const plan = planGrants({
      directive: directive([directed('a', 3000, { maximum: { cpuMilli: 2000, memoryBytes: 0 } })]),
      tracked: [tracked('a', 500)],
      allocatable,
      untrackedRequests: zero,
      reserve: zero,
    });
    expect(plan.grants[0]).toMatchObject({
      granted: { cpuMilli: 2000 },
      reason: 'SLABound',
      desired: { cpuMilli: 3000 },
    });
  });

  it('keeps recommend-only pods at their current size, counted against capacity', () => {
    const plan = planGrants({
      directive: directive([directed('a', 3900), directed('r', 3000, { recommendOnly: true })]),
      tracked: [tracked('a', 500), tracked('r', 1000)],
      allocatable,
      untrackedRequests: zero,
      reserve: zero,
    });
    expect(plan.grants.find((g) => g.uid === 'r')).toMatchObject({
      recommendOnly: true,
      granted: { cpuMilli: 1000 },
    });
    expect(plan.grants.find((g) => g.uid === 'a')!.granted.cpuMilli).toBe(3000);
  });

  it('lists directed pods it does not see and uses the current request for a resource left at 0', () => {
    const plan = planGrants({
      directive: directive([directed('a', 1000), directed('ghost', 1000)]),
      tracked: [tracked('a', 500)],
      allocatable,
      untrackedRequests: zero,
      reserve: zero,
    });
    expect(plan.unknownPods).toEqual(['ns/ghost']);
    expect(plan.grants[0]!.desired.memoryBytes).toBe(100);
  });
});
