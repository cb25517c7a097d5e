// Encodes a NodeReport's AgentMessage straight from the plain object the agent builds each tick: the
// generated protobufjs encoder of the same contract, without the fromObject copy of the report, every
// pod and its nested messages that proto-loader's serializer makes first. Only the two enum fields of
// each pod are written as numbers into a shallow copy of it. The bytes are the serializer's.
import type { NodeReport } from '../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport } from '../../proto/gen/kosmos/v1/PodReport.ts';
import { contractTypes } from './contract-types.ts';

function enumValue(
  values: Readonly<Record<string, number>>,
  v: string | number | undefined,
): number | undefined {
  return v === undefined || typeof v === 'number' ? v : (values[v] ?? 0);
}

/** AgentMessage{report} bytes, as proto-loader's requestSerialize would give them; `report` is not mutated. */
export function encodeReportMessage(report: NodeReport): Buffer {
  const { agentMessage, capReason, resizeState } = contractTypes();
  const pods: PodReport[] | undefined = report.pods?.map((p) => {
    const wire = { ...p };
    if (p.capReason !== undefined)
      wire.capReason = enumValue(capReason, p.capReason) as PodReport['capReason'];
    if (p.resizeState !== undefined)
      wire.resizeState = enumValue(resizeState, p.resizeState) as PodReport['resizeState'];
    return wire;
  });
  const bytes = agentMessage.encode({ report: pods ? { ...report, pods } : report }).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
