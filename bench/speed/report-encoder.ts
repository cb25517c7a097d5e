// Pre-encoded NodeReports for the grpc-reports agents: the body is encoded once per node and each
// send only appends its sequence number, which protobuf allows in any field order.
import { withTrailingVarint } from '../../lib/grpc/encoded-message.ts';

/** NodeReport.sequence */
const SEQUENCE_FIELD = 2;

/**
 * Encodes a node's report body once; each send appends only its sequence (NodeReport field 2) and
 * wraps it as AgentMessage.report, so one worker thread can play hundreds of agents.
 */
export function reportEncoder(encodedMessage: Buffer): (sequence: number) => Buffer {
  return withTrailingVarint(encodedMessage, SEQUENCE_FIELD);
}
