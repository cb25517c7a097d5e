import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkedReportDecoder } from '../../../../hub/src/agentserver/report-contract.ts';
import {
  checkDecodedFields,
  DECODED_FIELDS,
  decodeReportMessage,
  ReportDecoder,
} from '../../../../hub/src/agentserver/report-decode.ts';
import { nodeSampleFromWire } from '../../../../hub/src/agentserver/report-sample.ts';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';
import type { AgentMessage, AgentMessage__Output } from '../../../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { CapReason } from '../../../../proto/gen/kosmos/v1/CapReason.ts';
import type { NodeReport } from '../../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { ResizeState } from '../../../../proto/gen/kosmos/v1/ResizeState.ts';
import { nodeReportArbitrary } from '../../../support/node-report-arbitrary.ts';

const connect = () => kosmosProto().kosmos.v1.AgentHub.service.Connect;
const encode = (m: AgentMessage) => connect().requestSerialize(m);
/** The ordinary path: proto-loader's decode and toObject, then the domain conversion. */
function viaLoader(bytes: Buffer) {
  const msg = connect().requestDeserialize(bytes) as AgentMessage__Output;
  return msg.report ? nodeSampleFromWire(msg.report) : undefined;
}

// unknown numbers too: they read as the default
const report = nodeReportArbitrary({
  capReason: fc.integer({ min: 0, max: 9 }) as fc.Arbitrary<CapReason>,
  resizeState: fc.integer({ min: 0, max: 8 }) as fc.Arbitrary<ResizeState>,
});

describe('decodeReportMessage', () => {
  it('decodes any report into the sample the loader and nodeSampleFromWire give', () => {
    fc.assert(
      fc.property(report, (r) => {
        const bytes = encode({ report: r });
        expect(decodeReportMessage(bytes)).toEqual(viaLoader(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('reads a fleet-sized report exactly, window and all', () => {
    const r: NodeReport = {
      nodeName: 'node-1',
      sequence: 12345678901,
      pods: [
        {
          uid: 'u1',
          namespace: 'ns',
          name: 'p',
          container: 'app',
          sla: 'ns/s',
          cpuUsageMilli: 250.5,
          memoryWorkingSetBytes: 128 * 2 ** 20,
          responseTime: { requestCount: 30, p95Seconds: 0.12, windowSeconds: 1, valid: true },
          enacted: { cpuMilli: 500, memoryBytes: 256 * 2 ** 20 },
          capReason: 'CAP_REASON_NODE_CONTENTION',
          resizeState: 'RESIZE_STATE_DEFERRED',
          resizeMessage: 'Node didn\u2019t have enough capacity',
          ready: true,
          usageValid: true,
        },
      ],
    };
    const sample = decodeReportMessage(encode({ report: r }));
    expect(sample).toEqual(viaLoader(encode({ report: r })));
    expect(sample?.pods[0]).toMatchObject({
      capReason: 'NodeContention',
      resizeState: 'Deferred',
      resizeMessage: 'Node didn\u2019t have enough capacity',
      memoryWorkingSetBytes: 128 * 2 ** 20,
    });
    expect(sample?.sequence).toBe(12345678901);
  });

  it('decodes each of a node’s reports exactly while reusing the strings of its last one', () => {
    const sameNode = (r: NodeReport) => ({ ...r, nodeName: 'node-1' });
    fc.assert(
      fc.property(fc.array(report.map(sameNode), { minLength: 2, maxLength: 4 }), (reports) => {
        const decoder = new ReportDecoder();
        for (const r of reports) {
          const bytes = encode({ report: r });
          expect(decoder.decode(bytes)).toEqual(viaLoader(bytes));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('hands back the last report’s identifiers for a steady report, and reads changed ones anew', () => {
    const pod = (uid: string, name: string) => ({
      uid,
      namespace: 'ns',
      name,
      container: 'app',
      sla: 'ns/s',
    });
    const decoder = new ReportDecoder();
    const first = decoder.decode(
      encode({ report: { nodeName: 'n', pods: [pod('u-1', 'web-1'), pod('u-2', 'web-2')] } }),
    );
    const second = decoder.decode(
      encode({ report: { nodeName: 'n', pods: [pod('u-1', 'web-1'), pod('u-3', 'wéb-2')] } }),
    );
    expect(second?.pods.map((p) => [p.uid, p.name])).toEqual([
      ['u-1', 'web-1'],
      ['u-3', 'wéb-2'],
    ]);
    expect(Object.is(second?.pods[0]?.uid, first?.pods[0]?.uid)).toBe(true);
    decoder.forget('n');
    expect(
      decoder.decode(encode({ report: { nodeName: 'n', pods: [pod('u-1', 'web-1')] } }))?.pods[0]?.uid,
    ).toBe('u-1');
  });

  it('leaves a hello (or an empty message) to the ordinary decoder', () => {
    expect(decodeReportMessage(encode({ hello: { nodeName: 'n', protocolVersion: 1 } }))).toBeUndefined();
    expect(decodeReportMessage(encode({}))).toBeUndefined();
  });

  it('throws on a truncated report rather than reading past it', () => {
    const bytes = encode({ report: { nodeName: 'node-1', sequence: 2 ** 40, pods: [{ uid: 'u' }] } });
    expect(() => decodeReportMessage(bytes.subarray(0, bytes.length - 3))).toThrow();
  });
});

describe('the decoder against the contract', () => {
  it('matches the loaded agenthub.proto (field numbers, types, enum values)', () => {
    expect(() => checkedReportDecoder()).not.toThrow();
  });

  it('refuses to start when a field it reads moved or changed type', () => {
    // the decoder's own table as the contract, with PodReport.uid changed
    const contract =
      (numberOfUid: number, typeOfUid = 'TYPE_STRING') =>
      (message: string) => {
        const fields = new Map(
          Object.entries(DECODED_FIELDS[message as keyof typeof DECODED_FIELDS]).map(
            ([name, [number, type]]) => [name, { number: number as number, type: type as string }],
          ),
        );
        if (message === 'kosmos.v1.PodReport') fields.set('uid', { number: numberOfUid, type: typeOfUid });
        return fields;
      };
    expect(() => checkDecodedFields(contract(1))).not.toThrow();
    expect(() => checkDecodedFields(contract(20))).toThrow(/PodReport\.uid is field 20/);
    expect(() => checkDecodedFields(contract(1, 'TYPE_BYTES'))).toThrow(
      /PodReport\.uid is field 1 \(TYPE_BYTES\)/,
    );
  });
});
