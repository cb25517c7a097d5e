import { describe, expect, it } from 'vitest';
import type { TrackedPod } from '../../../../agent/src/pods/node-view.ts';
import { buildNodeReport } from '../../../../agent/src/report/node-report.ts';

const pod: TrackedPod = {
  uid: 'u1',
  namespace: 'ns',
  name: 'web-1',
  container: 'app',
  sla: 'ns/web',
  podIp: '10.0.0.1',
  qosClass: 'Burstable',
  spec: { cpuRequestMilli: 500 },
  enacted: { cpuMilli: 500, memoryBytes: 1000 },
  resize: { state: 'Deferred', message: 'wait' },
  health: { ready: true, restartCount: 2, lastTerminationOom: true, containerId: 'containerd://x' },
};

describe('buildNodeReport', () => {
  it('maps usage, caps and resize state to the wire enums', () => {
    const report = buildNodeReport({
      nodeName: 'n1',
      sequence: 7,
      agentVersion: 'v',
      allocatable: { cpuMilli: 4000, memoryBytes: 8000 },
      untrackedRequests: { cpuMilli: 1000, memoryBytes: 0 },
      pods: [pod],
      usage: new Map([
        ['u1', { valid: true, cpuUsageMilli: 321.5, cpuThrottledRatio: 0.1, memoryWorkingSetBytes: 900.4 }],
      ]),
      responseTimes: new Map(),
      caps: new Map([
        ['u1', { capped: { cpuMilli: 500, memoryBytes: 1000 }, reason: 'ResizeDeferred', message: 'wait' }],
      ]),
      timestampMs: 1,
      windowSeconds: 1,
      hubWasUnreachable: true,
    });
    expect(report).toMatchObject({ nodeName: 'n1', sequence: 7, hubWasUnreachable: true });
    expect(report.pods![0]).toMatchObject({
      uid: 'u1',
      cpuUsageMilli: 321.5,
      memoryWorkingSetBytes: 900,
      usageValid: true,
      capReason: 'CAP_REASON_RESIZE_DEFERRED',
      resizeState: 'RESIZE_STATE_DEFERRED',
      restartCount: 2,
      lastTerminationOom: true,
      responseTime: { valid: false, error: 'no scrape config' },
    });
  });

  it('marks a pod without a cgroup reading and without a cap as such', () => {
    const report = buildNodeReport({
      nodeName: 'n1',
      sequence: 1,
      agentVersion: 'v',
      allocatable: undefined,
      untrackedRequests: { cpuMilli: 0, memoryBytes: 0 },
      pods: [{ ...pod, resize: { state: 'None', message: '' } }],
      usage: new Map(),
      responseTimes: new Map(),
      caps: new Map(),
      timestampMs: 1,
      windowSeconds: 0,
      hubWasUnreachable: false,
    });
    expect(report.pods![0]).toMatchObject({
      usageValid: false,
      capReason: 'CAP_REASON_NONE',
      capped: { cpuMilli: 0, memoryBytes: 0 },
    });
  });
});
