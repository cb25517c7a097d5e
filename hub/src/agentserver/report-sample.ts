// A NodeReport in protobufjs's loader form, converted field by field to the domain NodeSample the
// hub's model stores (enums by name, 64-bit counts as numbers). The agent server decodes reports
// straight from the wire (report-decode.ts) and is tested against this conversion; tests and the
// hub-plan benchmark build samples with it.
import { capReasonFromWire, resizeStateFromWire } from '../../../lib/grpc/wire-enums.ts';
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport__Output } from '../../../proto/gen/kosmos/v1/PodReport.ts';
import type { Resources__Output } from '../../../proto/gen/kosmos/v1/Resources.ts';
import type { NodeSample, PodSample, ResponseTimeSample } from '../model/pod-sample.ts';
import type { Resources } from '../recommender/types.ts';

export function resourcesFromWire(r: Resources__Output | null | undefined): Resources {
  return { cpuMilli: Number(r?.cpuMilli ?? 0), memoryBytes: Number(r?.memoryBytes ?? 0) };
}

export function podSampleFromWire(report: PodReport__Output): PodSample {
  const rt = report.responseTime;
  const responseTime: ResponseTimeSample | undefined = rt
    ? {
        requestCount: Number(rt.requestCount),
        meanSeconds: rt.meanSeconds,
        p50Seconds: rt.p50Seconds,
        p90Seconds: rt.p90Seconds,
        p95Seconds: rt.p95Seconds,
        p99Seconds: rt.p99Seconds,
        windowSeconds: rt.windowSeconds,
        valid: rt.valid,
        error: rt.error,
        failureReason: rt.failureReason,
      }
    : undefined;
  const sample: PodSample = {
    uid: report.uid,
    namespace: report.namespace,
    name: report.name,
    container: report.container,
    sla: report.sla,
    cpuUsageMilli: report.cpuUsageMilli,
    cpuThrottledRatio: report.cpuThrottledRatio,
    memoryWorkingSetBytes: Number(report.memoryWorkingSetBytes),
    ...(responseTime ? { responseTime } : {}),
    enacted: resourcesFromWire(report.enacted),
    capped: resourcesFromWire(report.capped),
    capReason: capReasonFromWire(report.capReason),
    resizeState: resizeStateFromWire(report.resizeState),
    ready: report.ready,
    restartCount: report.restartCount,
    lastTerminationOom: report.lastTerminationOom,
    usageValid: report.usageValid,
  };
  if (report.resizeMessage) sample.resizeMessage = report.resizeMessage;
  return sample;
}

export function nodeSampleFromWire(report: NodeReport__Output): NodeSample {
  return {
    nodeName: report.nodeName,
    sequence: Number(report.sequence),
    agentVersion: report.agentVersion,
    allocatable: report.allocatable ? resourcesFromWire(report.allocatable) : null,
    untrackedRequests: report.untrackedRequests ? resourcesFromWire(report.untrackedRequests) : null,
    windowSeconds: report.windowSeconds,
    pods: report.pods.map(podSampleFromWire),
  };
}
