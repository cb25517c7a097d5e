import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDirectiveMessage } from '../../../../lib/grpc/directive-encoder.ts';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';
import type { ArbitrationPolicy } from '../../../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { PodDirective } from '../../../../proto/gen/kosmos/v1/PodDirective.ts';

const serialize = (m: object) => kosmosProto().kosmos.v1.AgentHub.service.Connect.responseSerialize(m);
const resources = fc.option(fc.record({ cpuMilli: fc.integer(), memoryBytes: fc.nat() }), { nil: undefined });
const pod: fc.Arbitrary<PodDirective> = fc.record(
  {
    uid: fc.string(),
    namespace: fc.string(),
    name: fc.string(),
    container: fc.string(),
    desired: resources,
    minimum: resources,
    maximum: resources,
    essential: resources,
    priority: fc.double({ noNaN: true }),
    recommendOnly: fc.boolean(),
    sla: fc.string(),
    hubSourcedMetrics: fc.boolean(),
    metricsFailureReason: fc.string(),
    metricsFailureMessage: fc.string(),
  },
  { requiredKeys: [] },
);

describe('encodeDirectiveMessage', () => {
  it('gives the bytes proto-loader’s serializer gives for the same directive', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(pod, { maxLength: 5 }),
        fc.constantFrom<ArbitrationPolicy>(
          'ARBITRATION_POLICY_PROPORTIONAL',
          'ARBITRATION_POLICY_MINIMUM_FIRST',
          'ARBITRATION_POLICY_UNSPECIFIED',
        ),
        fc.nat(),
        (nodeName, pods, policy, tickPeriodMs) => {
          const fields = { nodeName, pods, policy, tickPeriodMs };
          expect(encodeDirectiveMessage(fields).equals(serialize({ directive: fields }))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
