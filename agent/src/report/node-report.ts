// Pure: the NodeReport snapshot sent every tick — node capacity terms and, per tracked pod,
// usage, response time, enacted and capped allocation and the last resize's state.
import { capReasonToWire, resizeStateToWire } from '../../../lib/grpc/wire-enums.ts';
import type { NodeReport } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport } from '../../../proto/gen/kosmos/v1/PodReport.ts';
import type { ResponseTimeWindow } from '../../../proto/gen/kosmos/v1/ResponseTimeWindow.ts';
import type { CapState } from '../actuator/cap-state.ts';
import type { UsageResult } from '../cgroup/reader.ts';
import type { TrackedPod } from '../pods/node-view.ts';
import type { Allocation } from '../pods/pod-resources.ts';

/** One tick's cgroup reading of a pod; undefined fields were not available. */
export interface PodUsage {
  valid: boolean;
  cpuUsageMilli?: number;
  cpuThrottledRatio?: number;
  memoryWorkingSetBytes?: number;
  cpuPressureSomeAvg10?: number;
}

/** The cgroup samples of a tick as the report carries them, by pod uid. */
export function podUsageOf(results: readonly UsageResult[]): Map<string, PodUsage> {
  const out = new Map<string, PodUsage>();
  for (const r of results) {
    if (r.status === 'ok') {
      out.set(r.key, {
        valid: true,
        cpuUsageMilli: r.usage.cpuUsageMilli,
        cpuThrottledRatio: r.usage.throttledRatio,
        ...(r.usage.memoryWorkingSetBytes !== undefined
          ? { memoryWorkingSetBytes: r.usage.memoryWorkingSetBytes }
          : {}),
        ...(r.usage.psiSomeAvg10 !== undefined ? { cpuPressureSomeAvg10: r.usage.psiSomeAvg10 } : {}),
      });
    } else if (r.status === 'priming') {
      out.set(r.key, {
        valid: false,
        ...(r.memoryWorkingSetBytes !== undefined ? { memoryWorkingSetBytes: r.memoryWorkingSetBytes } : {}),
      });
    } else {
      out.set(r.key, { valid: false });
    }
  }
  return out;
}

export interface NodeReportInput {
  nodeName: string;
  sequence: number;
  agentVersion: string;
  allocatable: Allocation | undefined;
  untrackedRequests: Allocation;
  pods: readonly TrackedPod[];
  usage: ReadonlyMap<string, PodUsage>;
  responseTimes: ReadonlyMap<string, ResponseTimeWindow>;
  caps: ReadonlyMap<string, CapState>;
  timestampMs: number;
  windowSeconds: number;
  hubWasUnreachable: boolean;
}

const whole = (a: Allocation) => ({
  cpuMilli: Math.round(a.cpuMilli),
  memoryBytes: Math.round(a.memoryBytes),
});

function podReport(input: NodeReportInput, pod: TrackedPod): PodReport {
  const usage = input.usage.get(pod.uid);
  const cap = input.caps.get(pod.uid);
  const rt = input.responseTimes.get(pod.uid);
  return {
    uid: pod.uid,
    namespace: pod.namespace,
    name: pod.name,
    container: pod.container,
    sla: pod.sla,
    cpuUsageMilli: usage?.cpuUsageMilli ?? 0,
    cpuThrottledRatio: usage?.cpuThrottledRatio ?? 0,
    memoryWorkingSetBytes: Math.round(usage?.memoryWorkingSetBytes ?? 0),
    responseTime: rt ?? { valid: false, error: pod.scrape ? 'not scraped this tick' : 'no scrape config' },
    enacted: whole(pod.enacted ?? { cpuMilli: 0, memoryBytes: 0 }),
    capped: whole(cap?.capped ?? { cpuMilli: 0, memoryBytes: 0 }),
    capReason: capReasonToWire(cap?.reason),
    resizeState: resizeStateToWire(pod.resize.state),
    resizeMessage: pod.resize.message,
    ready: pod.health.ready,
    restartCount: pod.health.restartCount,
    lastTerminationOom: pod.health.lastTerminationOom,
    usageValid: usage?.valid ?? false,
    cpuPressureSomeAvg10: usage?.cpuPressureSomeAvg10 ?? 0,
  };
}

export function buildNodeReport(input: NodeReportInput): NodeReport {
  return {
    nodeName: input.nodeName,
    sequence: input.sequence,
    agentVersion: input.agentVersion,
    allocatable: whole(input.allocatable ?? { cpuMilli: 0, memoryBytes: 0 }),
    untrackedRequests: whole(input.untrackedRequests),
    pods: input.pods.map((p) => podReport(input, p)),
    timestampMs: input.timestampMs,
    windowSeconds: input.windowSeconds,
    hubWasUnreachable: input.hubWasUnreachable,
  };
}
