// The PodScale status gate on a fake clock: a steady pod writes nothing per tick; a resize's new
// size waits for the interval (its transient ResizeInProgress is no news); a condition changing
// state (capped by the node) goes out on the same tick.
import { describe, expect, it } from 'vitest';
import { StatusPublisher, type StatusTick } from '../../../../agent/src/actuator/status-publisher.ts';
import { AgentMetrics } from '../../../../agent/src/health/agent-metrics.ts';
import type { TrackedPod } from '../../../../agent/src/pods/node-view.ts';
import type { ResizeStatus } from '../../../../agent/src/pods/pod-resources.ts';
import type { PodScaleStatus } from '../../../../lib/api/types.ts';
import { KeyedWork } from '../../../../lib/keyed-work.ts';
import { silentLogger } from '../../../../lib/log.ts';

const MIB = 1024 * 1024;
const INTERVAL_MS = 60_000;

function pod(cpuMilli: number, resize: ResizeStatus = { state: 'None', message: '' }): TrackedPod {
  return {
    uid: 'u1',
    namespace: 'default',
    name: 'web-1',
    container: 'app',
    sla: 'default/web',
    podIp: '10.0.0.1',
    qosClass: 'Guaranteed',
    spec: { cpuRequestMilli: cpuMilli, cpuLimitMilli: cpuMilli },
    enacted: { cpuMilli, memoryBytes: 192 * MIB },
    resize,
    health: { ready: true, restartCount: 0, lastTerminationOom: false, containerId: 'c1' },
    podScaleName: 'web-1',
  };
}

function rig() {
  const written: { atMs: number; status: PodScaleStatus }[] = [];
  let nowMs = 0;
  const publisher = new StatusPublisher({
    writer: {
      write: async (_ns, _name, status) => {
        written.push({ atMs: nowMs, status });
      },
    },
    limiter: { tryTake: () => true },
    metrics: new AgentMetrics(),
    log: silentLogger(),
    work: new KeyedWork({ limit: 4, log: silentLogger() }),
    waitMs: 100,
    policy: {
      minIntervalMs: INTERVAL_MS,
      conditionRefillMs: 10_000,
      conditionCoalesceMs: 1000,
      conditionBurst: 10,
    },
  });
  const tick = async (p: TrackedPod, extra: Partial<StatusTick> = {}) => {
    await publisher.publish([p], {
      fresh: new Map(),
      caps: new Map(),
      lastResizeTime: new Map(),
      nowIso: new Date(nowMs).toISOString(),
      nowMs,
      ...extra,
    });
    nowMs += 1000;
  };
  return { written, tick, now: () => nowMs };
}

const cpuOf = (s: PodScaleStatus) => s.actual?.cpu;
const condition = (s: PodScaleStatus, type: string) => s.conditions?.find((c) => c.type === type);

describe('PodScale status writes', () => {
  it('writes the first status, then nothing for a minute of unchanged ticks', async () => {
    const { written, tick } = rig();
    for (let t = 0; t < 120; t++) await tick(pod(300));
    expect(written.map((w) => w.atMs)).toEqual([0]);
  });

  it('a resize is one write, at the interval, with no write for its ResizeInProgress tick', async () => {
    const { written, tick } = rig();
    await tick(pod(300));
    for (let t = 1; t < 20; t++) await tick(pod(300));
    // the agent asked for 450m: the kubelet answers InProgress for a tick, then enacts it
    await tick(pod(300), { fresh: new Map([['u1', { state: 'InProgress', message: 'resizing' }]]) });
    const resizedAt = 21_000;
    for (let t = 21; t < 90; t++)
      await tick(pod(450), { lastResizeTime: new Map([['u1', new Date(resizedAt).toISOString()]]) });
    expect(written.map((w) => w.atMs)).toEqual([0, INTERVAL_MS]);
    expect(cpuOf(written[1]!.status)).toBe('450m');
    expect(condition(written[1]!.status, 'Enacted')).toMatchObject({ status: 'True', reason: 'Enacted' });
  });

  it('a condition changing state goes out on the same tick, with the size of that tick', async () => {
    const { written, tick } = rig();
    for (let t = 0; t < 10; t++) await tick(pod(300));
    const capped = {
      capped: { cpuMilli: 400, memoryBytes: 0 },
      reason: 'NodeContention' as const,
      message: 'desired allocation does not fit the node: granted a share of its free capacity',
    };
    await tick(pod(400), { caps: new Map([['u1', capped]]) });
    expect(written.map((w) => w.atMs)).toEqual([0, 10_000]);
    expect(condition(written[1]!.status, 'Capped')).toMatchObject({
      status: 'True',
      reason: 'NodeContention',
    });
    expect(cpuOf(written[1]!.status)).toBe('400m');
    // the grant moving under the same cap is a quantity: it waits for the interval
    for (let t = 11; t < 30; t++)
      await tick(pod(380), {
        caps: new Map([['u1', { ...capped, capped: { cpuMilli: 380, memoryBytes: 0 } }]]),
      });
    expect(written).toHaveLength(2);
  });

  it('an Infeasible resize goes out at once', async () => {
    const { written, tick } = rig();
    for (let t = 0; t < 5; t++) await tick(pod(300));
    await tick(pod(300, { state: 'Infeasible', message: 'node too small' }));
    expect(written.map((w) => w.atMs)).toEqual([0, 5000]);
    expect(condition(written[1]!.status, 'Enacted')).toMatchObject({
      status: 'False',
      reason: 'ResizeInfeasible',
    });
  });
});
