// Builders for report and directive messages used across hub unit tests.
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport__Output } from '../../../proto/gen/kosmos/v1/PodReport.ts';

export function podReport(over: Partial<PodReport__Output> & { uid: string }): PodReport__Output {
  return {
    namespace: 'default',
    name: over.uid,
    container: 'app',
    sla: 'default/web',
    cpuUsageMilli: 100,
    cpuThrottledRatio: 0,
    memoryWorkingSetBytes: 64 * 1024 * 1024,
    responseTime: {
      requestCount: 100,
      meanSeconds: 0.05,
      p50Seconds: 0.04,
      p90Seconds: 0.08,
      p95Seconds: 0.1,
      p99Seconds: 0.15,
      windowSeconds: 1,
      valid: true,
      error: '',
      failureReason: '',
    },
    enacted: { cpuMilli: 250, memoryBytes: 128 * 1024 * 1024 },
    capped: null,
    capReason: 'CAP_REASON_NONE',
    resizeState: 'RESIZE_STATE_NONE',
    resizeMessage: '',
    ready: true,
    restartCount: 0,
    lastTerminationOom: false,
    usageValid: true,
    cpuPressureSomeAvg10: 0,
    ...over,
  };
}

export function nodeReport(nodeName: string, pods: PodReport__Output[], sequence = 1): NodeReport__Output {
  return {
    nodeName,
    sequence,
    agentVersion: 'test',
    allocatable: { cpuMilli: 4000, memoryBytes: 8 * 1024 ** 3 },
    untrackedRequests: { cpuMilli: 0, memoryBytes: 0 },
    pods,
    timestampMs: 0,
    windowSeconds: 1,
    hubWasUnreachable: false,
  };
}
