// What the grpc-reports agents need of a HubMessage, read off its bytes without decoding the pods:
// whether it is a welcome, and of a directive the report it answers and how many pods it carries.

export interface ScannedHubMessage {
  welcome: boolean;
  directive?: { inReplyTo: number; pods: number };
}

/** The varint at `at` and where the next field starts. */
function readVarint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    const b = buf[i++] as number;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, i];
    scale *= 0x80;
  }
}

/** Past the field of `wireType` whose value starts at `at`. */
function skip(buf: Uint8Array, at: number, wireType: number): number {
  switch (wireType) {
    case 0:
      return readVarint(buf, at)[1];
    case 1:
      return at + 8;
    case 2: {
      const [length, next] = readVarint(buf, at);
      return next + length;
    }
    case 5:
      return at + 4;
    default:
      throw new Error(`wire type ${wireType} not expected in a HubMessage`);
  }
}

/** HubMessage: welcome = 1, directive = 2; NodeDirective: in_reply_to = 2, pods = 3. */
export function scanHubMessage(buf: Uint8Array): ScannedHubMessage {
  let at = 0;
  let welcome = false;
  let directive: ScannedHubMessage['directive'];
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    const field = Math.floor(tag / 8);
    if (field === 2 && (tag & 7) === 2) {
      const [length, start] = readVarint(buf, next);
      directive = scanDirective(buf.subarray(start, start + length));
      at = start + length;
      continue;
    }
    if (field === 1) welcome = true;
    at = skip(buf, next, tag & 7);
  }
  return directive ? { welcome, directive } : { welcome };
}

function scanDirective(buf: Uint8Array): { inReplyTo: number; pods: number } {
  let at = 0;
  let inReplyTo = 0;
  let pods = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    const field = Math.floor(tag / 8);
    if (field === 2 && (tag & 7) === 0) {
      [inReplyTo, at] = readVarint(buf, next);
      continue;
    }
    if (field === 3) pods++;
    at = skip(buf, next, tag & 7);
  }
  return { inReplyTo, pods };
}
