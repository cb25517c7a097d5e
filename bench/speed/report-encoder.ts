// Pre-encoded NodeReports for the grpc-reports agents: the body is encoded once per node and each
// send only appends its sequence number, which protobuf allows in any field order.

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return bytes;
}

/** Length of the varint at `offset`, bytes. */
function varintLength(buf: Buffer, offset: number): number {
  let n = 0;
  while (((buf[offset + n] as number) & 0x80) !== 0) n++;
  return n + 1;
}

/**
 * Encodes a node's report body once; each send appends only its sequence (NodeReport field 2) and
 * wraps it as AgentMessage.report (field 2), so one worker thread can play hundreds of agents.
 */
export function reportEncoder(encodedMessage: Buffer): (sequence: number) => Buffer {
  const body = encodedMessage.subarray(1 + varintLength(encodedMessage, 1));
  return (sequence) => {
    const tail = Buffer.from([0x10, ...varint(sequence)]);
    const head = Buffer.from([0x12, ...varint(body.byteLength + tail.byteLength)]);
    return Buffer.concat([head, body, tail]);
  };
}
