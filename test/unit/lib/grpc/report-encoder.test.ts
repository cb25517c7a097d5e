import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';
import { encodeReportMessage } from '../../../../lib/grpc/report-encoder.ts';
import type { CapReason } from '../../../../proto/gen/kosmos/v1/CapReason.ts';
import type { NodeReport } from '../../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport } from '../../../../proto/gen/kosmos/v1/PodReport.ts';
import type { ResizeState } from '../../../../proto/gen/kosmos/v1/ResizeState.ts';

const serialize = (m: object) => kosmosProto().kosmos.v1.AgentHub.service.Connect.requestSerialize(m);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const resources = opt(fc.record({ cpuMilli: fc.nat(), memoryBytes: fc.nat() }));
const capReason = fc.constantFrom<CapReason>(
  'CAP_REASON_UNSPECIFIED',
  'CAP_REASON_NONE',
  'CAP_REASON_SLA_BOUND',
  'CAP_REASON_NODE_CONTENTION',
  'CAP_REASON_MEMORY_UNSAFE_DECREASE',
  3,
);
const resizeState = fc.constantFrom<ResizeState>(
  'RESIZE_STATE_NONE',
  'RESIZE_STATE_IN_PROGRESS',
  'RESIZE_STATE_DEFERRED',
  'RESIZE_STATE_ERROR',
  2,
);
const pod: fc.Arbitrary<PodReport> = fc.record(
  {
    uid: fc.string(),
    namespace: fc.string(),
    name: fc.string(),
    container: fc.string(),
    sla: fc.string(),
    cpuUsageMilli: fc.double({ noNaN: true }),
    cpuThrottledRatio: fc.double({ min: 0, max: 1, noNaN: true }),
    memoryWorkingSetBytes: fc.nat(),
    responseTime: opt(
      fc.record(
        {
          requestCount: fc.nat(),
          meanSeconds: fc.double({ noNaN: true }),
          p95Seconds: fc.double({ noNaN: true }),
          windowSeconds: fc.double({ noNaN: true }),
          valid: fc.boolean(),
          error: fc.string(),
          failureReason: fc.string(),
        },
        { requiredKeys: [] },
      ),
    ),
    enacted: resources,
    capped: resources,
    capReason,
    resizeState,
    resizeMessage: fc.string(),
    ready: fc.boolean(),
    restartCount: fc.nat(),
    lastTerminationOom: fc.boolean(),
    usageValid: fc.boolean(),
    cpuPressureSomeAvg10: fc.double({ noNaN: true }),
  },
  { requiredKeys: [] },
);
const report: fc.Arbitrary<NodeReport> = fc.record(
  {
    nodeName: fc.string(),
    sequence: fc.nat(),
    agentVersion: fc.string(),
    allocatable: resources,
    untrackedRequests: resources,
    pods: fc.array(pod, { maxLength: 5 }),
    timestampMs: fc.nat(),
    windowSeconds: fc.double({ noNaN: true }),
    hubWasUnreachable: fc.boolean(),
  },
  { requiredKeys: [] },
);

describe('encodeReportMessage', () => {
  it('gives the bytes proto-loader’s serializer gives for the same report, and leaves the report as it was', () => {
    fc.assert(
      fc.property(report, (r) => {
        const before = structuredClone(r);
        expect(encodeReportMessage(r).equals(serialize({ report: r }))).toBe(true);
        expect(r).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});
