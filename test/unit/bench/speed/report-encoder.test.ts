import { describe, expect, it } from 'vitest';
import { buildFleet, nodeReport } from '../../../../bench/speed/fleet.ts';
import { reportEncoder } from '../../../../bench/speed/report-encoder.ts';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';
import type { AgentMessage__Output } from '../../../../proto/gen/kosmos/v1/AgentMessage.ts';

describe('reportEncoder', () => {
  const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;
  const fleet = buildFleet(3, 3, 4);
  const report = nodeReport(fleet, 0, 0, 1, () => 500, 1000);
  const encode = reportEncoder(connect.requestSerialize({ report }));

  it.each([0, 1, 127, 128, 16_384, 300_000])('decodes as the same report with sequence %s', (sequence) => {
    const decoded = connect.requestDeserialize(encode(sequence)) as AgentMessage__Output;
    expect(decoded.body).toBe('report');
    expect(decoded.report?.sequence).toBe(sequence);
    expect(decoded.report?.pods.map((p) => p.uid)).toEqual(report.pods.map((p) => p.uid));
    expect(decoded.report?.nodeName).toBe('node-0');
  });
});
