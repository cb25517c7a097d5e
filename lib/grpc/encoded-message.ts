// A message encoded once and sent many times with one varint field that changes per send (a
// sequence number): protobuf lets a field come after the others, so each send only appends it.

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
function varintLength(buf: Uint8Array, offset: number): number {
  let n = 0;
  while (((buf[offset + n] as number) & 0x80) !== 0) n++;
  return n + 1;
}

/**
 * `encodedOuter` is an outer message holding only one length-delimited field: the inner message
 * (e.g. AgentMessage.report, HubMessage.directive). Returns a function that re-encodes it with the
 * inner message's varint field `innerField` set to a value, copying the inner bytes once per send.
 */
export function withTrailingVarint(encodedOuter: Uint8Array, innerField: number): (value: number) => Buffer {
  const outerTag = encodedOuter[0] as number;
  const body = encodedOuter.subarray(1 + varintLength(encodedOuter, 1));
  const fieldTag = (innerField << 3) | 0; // wire type 0: varint
  return (value) => {
    // proto3 leaves a zero out; so does this
    const tail = value > 0 ? Buffer.from([fieldTag, ...varint(value)]) : Buffer.alloc(0);
    const head = Buffer.from([outerTag, ...varint(body.byteLength + tail.byteLength)]);
    return Buffer.concat([head, body, tail]);
  };
}
