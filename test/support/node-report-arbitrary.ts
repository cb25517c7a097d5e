// Random NodeReports as an agent could send them, for property tests of the report's wire paths
// (the hub's decoder, the agent's encoder): 64-bit edge values, absent and null fields, any enums.
import fc from 'fast-check';
import type { CapReason } from '../../proto/gen/kosmos/v1/CapReason.ts';
import type { NodeReport } from '../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport } from '../../proto/gen/kosmos/v1/PodReport.ts';
import type { ResizeState } from '../../proto/gen/kosmos/v1/ResizeState.ts';

/** How the two enum fields of a pod are drawn (wire numbers, names, or both). */
export interface ReportEnums {
  capReason: fc.Arbitrary<CapReason>;
  resizeState: fc.Arbitrary<ResizeState>;
}

export function nodeReportArbitrary(enums: ReportEnums): fc.Arbitrary<NodeReport> {
  const text = fc.string({ maxLength: 12 });
  const int64 = fc.oneof(
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53) + 1),
  );
  const uint64 = fc.oneof(fc.nat(), fc.constantFrom(0, 127, 128, 2 ** 28 - 1, 2 ** 28, 2 ** 35, 2 ** 53 - 1));
  const resources = fc.option(fc.record({ cpuMilli: int64, memoryBytes: int64 }), { nil: null });
  const pod: fc.Arbitrary<PodReport> = fc.record(
    {
      uid: text,
      namespace: text,
      name: text,
      container: text,
      sla: text,
      cpuUsageMilli: fc.double({ noNaN: true }),
      cpuThrottledRatio: fc.double({ noNaN: true }),
      memoryWorkingSetBytes: uint64,
      responseTime: fc.option(
        fc.record({
          requestCount: uint64,
          meanSeconds: fc.double({ noNaN: true }),
          p50Seconds: fc.double({ noNaN: true }),
          p90Seconds: fc.double(),
          p95Seconds: fc.double({ noNaN: true }),
          p99Seconds: fc.double({ noNaN: true }),
          windowSeconds: fc.double({ noNaN: true }),
          valid: fc.boolean(),
          error: text,
          failureReason: text,
        }),
        { nil: null },
      ),
      enacted: resources,
      capped: resources,
      capReason: enums.capReason,
      resizeState: enums.resizeState,
      resizeMessage: text,
      ready: fc.boolean(),
      restartCount: fc.nat(),
      lastTerminationOom: fc.boolean(),
      usageValid: fc.boolean(),
      cpuPressureSomeAvg10: fc.double({ noNaN: true }),
    },
    { requiredKeys: [] },
  );
  return fc.record(
    {
      nodeName: text,
      sequence: uint64,
      agentVersion: text,
      allocatable: resources,
      untrackedRequests: resources,
      pods: fc.array(pod, { maxLength: 4 }),
      timestampMs: int64,
      windowSeconds: fc.double({ noNaN: true }),
      hubWasUnreachable: fc.boolean(),
    },
    { requiredKeys: [] },
  );
}
