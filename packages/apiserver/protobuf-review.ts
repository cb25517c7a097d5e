// kubectl auth can-i posts its SelfSubjectAccessReview as Kubernetes protobuf (the "k8s\0"
// envelope around a runtime.Unknown). Only that one message is decoded, with a minimal reader of
// the protobuf wire format: enough for the review's resource and non-resource attributes.

/** Length-delimited fields of one message, by field number (other wire types skipped). */
function fields(buf: Buffer): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      out.set(field, [...(out.get(field) ?? []), buf.subarray(i, i + len)]);
      i += len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function str(f: Map<number, Buffer[]>, n: number): string | undefined {
  const b = f.get(n)?.[0];
  return b === undefined ? undefined : b.toString('utf8');
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The JSON form of a protobuf-encoded (Self)SubjectAccessReview's spec attributes. */
export function decodeAccessReview(body: Buffer): { metadata: object; spec: Record<string, unknown> } {
  if (!body.subarray(0, 4).equals(MAGIC)) throw new Error('not a Kubernetes protobuf message');
  const unknown = fields(body.subarray(4));
  const review = fields(unknown.get(2)?.[0] ?? Buffer.alloc(0));
  const spec = fields(review.get(2)?.[0] ?? Buffer.alloc(0));
  const out: Record<string, unknown> = {};
  const ra = spec.get(1)?.[0];
  if (ra) {
    const f = fields(ra);
    const names = ['', 'namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
    const attrs: Record<string, string> = {};
    names.forEach((name, n) => {
      const v = n > 0 ? str(f, n) : undefined;
      if (v !== undefined) attrs[name] = v;
    });
    out['resourceAttributes'] = attrs;
  }
  const nra = spec.get(2)?.[0];
  if (nra) {
    const f = fields(nra);
    out['nonResourceAttributes'] = { path: str(f, 1) ?? '', verb: str(f, 2) ?? '' };
  }
  return { metadata: {}, spec: out };
}
