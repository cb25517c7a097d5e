import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';
import { encodeReportMessage } from '../../../../lib/grpc/report-encoder.ts';
import type { CapReason } from '../../../../proto/gen/kosmos/v1/CapReason.ts';
import type { ResizeState } from '../../../../proto/gen/kosmos/v1/ResizeState.ts';
import { nodeReportArbitrary } from '../../../support/node-report-arbitrary.ts';

const serialize = (m: object) => kosmosProto().kosmos.v1.AgentHub.service.Connect.requestSerialize(m);
// enum fields as names and as numbers, known and not
const report = nodeReportArbitrary({
  capReason: fc.oneof(
    fc.constantFrom<CapReason>(
      'CAP_REASON_UNSPECIFIED',
      'CAP_REASON_NONE',
      'CAP_REASON_SLA_BOUND',
      'CAP_REASON_NODE_CONTENTION',
      'CAP_REASON_MEMORY_UNSAFE_DECREASE',
    ),
    fc.integer({ min: 0, max: 9 }) as fc.Arbitrary<CapReason>,
  ),
  resizeState: fc.oneof(
    fc.constantFrom<ResizeState>(
      'RESIZE_STATE_NONE',
      'RESIZE_STATE_IN_PROGRESS',
      'RESIZE_STATE_DEFERRED',
      'RESIZE_STATE_ERROR',
    ),
    fc.integer({ min: 0, max: 8 }) as fc.Arbitrary<ResizeState>,
  ),
});

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
