import { describe, expect, it } from 'vitest';
import { type NodeStepInput, nodeStep, planResizes } from '../../../../agent/src/actuator/node-step.ts';
import { ResizeRetry } from '../../../../agent/src/actuator/resize-retry.ts';
import { agentConfig, defaultNodeStepSettings, parseAgentConfig } from '../../../../agent/src/config.ts';
import type { TrackedPod } from '../../../../agent/src/pods/node-view.ts';
import type { PodDirective__Output } from '../../../../proto/gen/kosmos/v1/PodDirective.ts';

const MiB = 1024 * 1024;

function tracked(uid: string, cpuMilli: number, memoryBytes = 256 * MiB): TrackedPod {
  return {
    uid,
    namespace: 'ns',
    name: uid,
    container: 'app',
    sla: 'ns/web',
    podIp: '',
    qosClass: 'Guaranteed',
    spec: {
      cpuRequestMilli: cpuMilli,
      cpuLimitMilli: cpuMilli,
      memoryRequestBytes: memoryBytes,
      memoryLimitBytes: memoryBytes,
    },
    enacted: { cpuMilli, memoryBytes },
    resize: { state: 'None', message: '' },
    health: { ready: true, restartCount: 0, lastTerminationOom: false, containerId: '' },
  };
}

function directed(uid: string, cpuMilli: number, memoryBytes = 256 * MiB): PodDirective__Output {
  return {
    uid,
    namespace: 'ns',
    name: uid,
    container: 'app',
    desired: { cpuMilli, memoryBytes },
    minimum: null,
    essential: null,
    maximum: null,
    priority: 0,
    recommendOnly: false,
    sla: 'ns/web',
    hubSourcedMetrics: false,
    metricsFailureReason: '',
    metricsFailureMessage: '',
  };
}

const settings = {
  reserve: { cpuMilli: 0, memoryBytes: 0 },
  deadband: { percent: 5, cpuMilli: 10, memoryBytes: 4 * MiB },
  memoryLimitDecrease: 'allowed' as const,
};

function input(over: Partial<NodeStepInput> & Pick<NodeStepInput, 'tracked'>): NodeStepInput {
  return {
    directive: {
      nodeName: 'n',
      inReplyTo: 1,
      pods: [],
      policy: 'ARBITRATION_POLICY_PROPORTIONAL',
      tickPeriodMs: 1000,
      reserve: null,
    },
    allocatable: { cpuMilli: 4000, memoryBytes: 8192 * MiB },
    untrackedRequests: { cpuMilli: 0, memoryBytes: 0 },
    memoryUsageBytes: new Map(),
    settings,
    nowMs: 0,
    ...over,
  };
}

/** The requests each patch asks for, by pod; skipped pods by their decision. */
function outcome(step: ReturnType<typeof nodeStep>): Record<string, unknown> {
  return Object.fromEntries(
    step.resizes.map((r) => [
      r.pod.uid,
      r.decision.kind === 'patch'
        ? r.decision.plan.requested
        : r.decision.kind === 'skip'
          ? r.decision.reason
          : r.decision.kind,
    ]),
  );
}

describe('the node step: directive and node state → grants → resizes', () => {
  it.each([
    {
      name: 'everything fits: each pod is patched to what the hub desired',
      reserve: 0,
      want: { a: { cpuMilli: 1500, memoryBytes: 256 * MiB }, b: { cpuMilli: 1500, memoryBytes: 256 * MiB } },
    },
    {
      name: 'the reserve is taken off the node before sharing: 4000 − 1000 over 3000 desired fits exactly',
      reserve: 1000,
      want: { a: { cpuMilli: 1500, memoryBytes: 256 * MiB }, b: { cpuMilli: 1500, memoryBytes: 256 * MiB } },
    },
    {
      name: 'a larger reserve leaves less than desired: shared in proportion to what each wants',
      reserve: 2000,
      want: { a: { cpuMilli: 1000, memoryBytes: 256 * MiB }, b: { cpuMilli: 1000, memoryBytes: 256 * MiB } },
    },
  ])('$name', ({ reserve, want }) => {
    const step = nodeStep(
      input({
        tracked: [tracked('a', 500), tracked('b', 500)],
        directive: { ...input({ tracked: [] }).directive, pods: [directed('a', 1500), directed('b', 1500)] },
        settings: { ...settings, reserve: { cpuMilli: reserve, memoryBytes: 0 } },
      }),
    );
    expect(outcome(step)).toEqual(want);
  });

  it('orders CPU growth before shrinks and skips, so a short write budget delays a shrink, not a pod under load', () => {
    const step = nodeStep(
      input({
        tracked: [tracked('shrinks', 1000), tracked('same', 1000), tracked('grows', 500)],
        directive: {
          ...input({ tracked: [] }).directive,
          pods: [directed('shrinks', 600), directed('same', 1000), directed('grows', 900)],
        },
      }),
    );
    expect(step.resizes.map((r) => `${r.pod.uid}:${r.decision.kind}`)).toEqual([
      'grows:patch',
      'shrinks:patch',
      'same:skip',
    ]);
  });

  it('patches only the resource outside the deadband', () => {
    const step = nodeStep(
      input({
        tracked: [tracked('a', 1000)],
        directive: { ...input({ tracked: [] }).directive, pods: [directed('a', 1005, 512 * MiB)] },
      }),
    );
    expect(outcome(step)).toEqual({ a: { cpuMilli: 1000, memoryBytes: 512 * MiB } });
  });

  it('skips a change inside the deadband on both resources', () => {
    const step = nodeStep(
      input({
        tracked: [tracked('a', 1000)],
        directive: { ...input({ tracked: [] }).directive, pods: [directed('a', 1005, 257 * MiB)] },
      }),
    );
    expect(outcome(step)).toEqual({ a: 'deadband' });
  });

  it('holds memory above the working set and says how much it held', () => {
    const step = nodeStep(
      input({
        tracked: [tracked('a', 1000, 512 * MiB)],
        directive: { ...input({ tracked: [] }).directive, pods: [directed('a', 1000, 128 * MiB)] },
        memoryUsageBytes: new Map([['a', 300 * MiB]]),
      }),
    );
    expect(outcome(step)).toEqual({ a: { cpuMilli: 1000, memoryBytes: 300 * MiB } });
    expect(step.resizes[0]?.memoryHeldBytes).toBe(300 * MiB);
  });

  it('waits out the backoff of a pod whose last request failed, then patches it', () => {
    const retry = new ResizeRetry({ initialMs: 1000, maxMs: 60_000 });
    expect(retry.failed('a', 'error', 0)).toBe(1000);
    const grants = nodeStep(
      input({
        tracked: [tracked('a', 500)],
        directive: { ...input({ tracked: [] }).directive, pods: [directed('a', 900)] },
      }),
    ).grants;
    const at = (nowMs: number) =>
      planResizes({
        grants: new Map(grants.grants.map((g) => [g.uid, g])),
        tracked: [tracked('a', 500)],
        memoryUsageBytes: new Map(),
        deadband: settings.deadband,
        memoryLimitDecrease: 'allowed',
        retryAtMs: (uid) => retry.retryAtMs(uid),
        nowMs,
      })[0]?.decision.kind;
    expect(at(999)).toBe('backoff');
    expect(at(1000)).toBe('patch');
  });
});

describe('resize retry', () => {
  it.each([
    { failures: ['error', 'error', 'error'] as const, retryAfterMs: undefined, wantDelayMs: 4000 },
    { failures: ['error', 'conflict'] as const, retryAfterMs: undefined, wantDelayMs: 0 },
    { failures: ['throttled'] as const, retryAfterMs: 5000, wantDelayMs: 5000 },
  ])(
    'after $failures (Retry-After $retryAfterMs) waits $wantDelayMs ms',
    ({ failures, retryAfterMs, wantDelayMs }) => {
      const retry = new ResizeRetry({ initialMs: 1000, maxMs: 60_000 });
      let delay = -1;
      for (const f of failures) delay = retry.failed('a', f, 100, retryAfterMs);
      expect(delay).toBe(wantDelayMs);
      expect(retry.retryAtMs('a')).toBe(100 + wantDelayMs);
      retry.succeeded('a');
      expect(retry.retryAtMs('a')).toBeUndefined();
    },
  );
});

describe('the agent defaults the simulator runs with', () => {
  it('are the flag table’s defaults, as a parsed command line has them', () => {
    const parsed = parseAgentConfig(['--node-name=n'], {});
    expect(defaultNodeStepSettings()).toEqual({
      reserve: { cpuMilli: parsed.reserveCpuMilli, memoryBytes: parsed.reserveMemoryBytes },
      deadband: {
        percent: parsed.deadbandPercent,
        cpuMilli: parsed.deadbandCpuMilli,
        memoryBytes: parsed.deadbandMemoryBytes,
      },
      memoryLimitDecrease: parsed.memoryLimitDecrease,
    });
    expect(agentConfig.defaultOf('deadbandCpuMilli')).toBe(10);
  });
});
