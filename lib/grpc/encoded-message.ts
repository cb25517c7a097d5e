// A message encoded once and sent many times with one varint field that changes per send (a
// sequence number): protobuf lets a field come after the others, so each send only appends it.

/** Bytes of `value` as a varint. */
function varintSize(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/** Writes `value` as a varint at `at`; returns where the next byte goes. */
function writeVarint(out: Buffer, at: number, value: number): number {
  let i = at;
  let v = value;
  while (v >= 0x80) {
    out[i++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[i++] = v;
  return i;
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
    // proto3 leaves a zero out; so does this. One buffer per send, the inner bytes copied once.
    const tail = value > 0 ? 1 + varintSize(value) : 0;
    const inner = body.byteLength + tail;
    const out = Buffer.allocUnsafe(1 + varintSize(inner) + inner);
    out[0] = outerTag;
    let at = writeVarint(out, 1, inner);
    out.set(body, at);
    at += body.byteLength;
    if (value > 0) {
      out[at] = fieldTag;
      writeVarint(out, at + 1, value);
    }
    return out;
  };
}
