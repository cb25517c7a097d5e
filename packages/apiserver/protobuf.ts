// Kubernetes protobuf request bodies (the "k8s\0" envelope around a runtime.Unknown), decoded to
// the JSON shape with the message tables of protobuf-messages.ts. client-go (kubectl's typed
// clients: `kubectl create namespace|configmap|secret|deployment|role...`, `auth can-i`) sends
// built-in kinds this way. A field the tables do not name is refused (415) when it carries a
// value and skipped when it is empty: Go writes every non-pointer field, set or not.
import { ApiError } from './errors.ts';
import type { Json } from './object-types.ts';
import { MESSAGES, TOP_LEVEL } from './protobuf-messages.ts';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type WireValue = { wire: 0; value: bigint } | { wire: 2; value: Buffer } | { wire: 1 | 5; value: Buffer };

/** The fields of one message in wire order, by field number. */
function readMessage(buf: Buffer): [number, WireValue][] {
  const out: [number, WireValue][] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push([field, { wire, value: varint() }]);
    else if (wire === 2) {
      const len = Number(varint());
      if (i + len > buf.length) throw new Error('truncated field');
      out.push([field, { wire, value: buf.subarray(i, i + len) }]);
      i += len;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      out.push([field, { wire, value: buf.subarray(i, i + size) }]);
      i += size;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** A field's declared shape: `name`, `name:type`, `name:[]type`, `name:map` / `map<type>`. */
interface FieldSpec {
  name: string;
  type: string;
  repeated: boolean;
  map: boolean;
  /** Pointer fields (`int*`, `bool*`): a zero sent is a value, not "unset". */
  keepZero: boolean;
}

function parseSpec(spec: string): FieldSpec {
  const [name, declared = 'string'] = spec.split(':') as [string, string?];
  const repeated = declared.startsWith('[]');
  let type = repeated ? declared.slice(2) : declared;
  const map = type === 'map' || type.startsWith('map<');
  if (map) type = type === 'map' ? 'string' : type.slice(4, -1);
  const keepZero = type.endsWith('*');
  if (keepZero) type = type.slice(0, -1);
  return { name, type, repeated, map, keepZero };
}

class UnknownField extends Error {}

/** A length-delimited value's bytes (empty when absent). */
function bytesOf(v: WireValue | undefined): Buffer {
  return v?.wire === 2 ? v.value : Buffer.alloc(0);
}

/** A varint value (0 when absent). */
function varintOf(v: WireValue | undefined): bigint {
  return v?.wire === 0 ? v.value : 0n;
}

function signed64(v: bigint): number {
  return Number(v >= 1n << 63n ? v - (1n << 64n) : v);
}

function timestamp(buf: Buffer, micro: boolean): string | undefined {
  const f = new Map(readMessage(buf));
  const seconds = signed64(varintOf(f.get(1)));
  const nanos = Number(varintOf(f.get(2)));
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

/** One value of a field; undefined when it is the type's zero (omitted in JSON). */
function scalar(type: string, v: WireValue, keepZero: boolean): Json {
  if (v.wire === 0) {
    if (type === 'bool') return v.value !== 0n || keepZero ? v.value !== 0n : undefined;
    const n = signed64(v.value);
    return n !== 0 || keepZero ? n : undefined;
  }
  if (v.wire !== 2 || type === 'int' || type === 'bool') throw new Error(`wire type ${v.wire} for a ${type}`);
  const buf = v.value;
  switch (type) {
    case 'string':
      return buf.length > 0 || keepZero ? buf.toString('utf8') : undefined;
    case 'bytes':
      return buf.length > 0 || keepZero ? buf.toString('base64') : undefined;
    case 'time':
    case 'microTime':
      return timestamp(buf, type === 'microTime');
    case 'quantity':
      return bytesOf(new Map(readMessage(buf)).get(1)).toString('utf8');
    case 'intstr': {
      const f = new Map(readMessage(buf));
      const isString = varintOf(f.get(1)) === 1n;
      return isString ? bytesOf(f.get(3)).toString('utf8') : signed64(varintOf(f.get(2)));
    }
    default: {
      const decoded = decodeMessage(type, buf);
      return Object.keys(decoded).length > 0 || keepZero ? decoded : undefined;
    }
  }
}

function mapEntry(spec: FieldSpec, buf: Buffer): [string, Json] {
  let key = '';
  let value: Json = spec.type === 'string' || spec.type === 'bytes' ? '' : undefined;
  for (const [n, v] of readMessage(buf)) {
    if (n === 1) key = bytesOf(v).toString('utf8');
    else if (n === 2) value = scalar(spec.type, v, true);
  }
  return [key, value];
}

/** A zero, an empty string, or a message of nothing but such (an unset status, say). */
function isEmpty(v: WireValue): boolean {
  if (v.wire === 0) return v.value === 0n;
  if (v.value.length === 0) return true;
  if (v.wire !== 2) return false;
  try {
    return readMessage(v.value).every(([, inner]) => isEmpty(inner));
  } catch {
    return false; // not a message: a string or bytes with content
  }
}

function decodeMessage(message: string, buf: Buffer): Record<string, Json> {
  const table = MESSAGES[message];
  if (!table) throw new UnknownField(`message ${message}`);
  const out: Record<string, Json> = {};
  for (const [n, v] of readMessage(buf)) {
    const declared = table[n];
    if (declared === undefined) {
      if (isEmpty(v)) continue;
      throw new UnknownField(`field ${n} of ${message}`);
    }
    const spec = parseSpec(declared);
    if (spec.map) {
      const [key, value] = mapEntry(spec, bytesOf(v));
      out[spec.name] = { ...out[spec.name], [key]: value };
    } else if (spec.repeated) {
      const value = scalar(spec.type, v, true);
      out[spec.name] = [...(out[spec.name] ?? []), value];
    } else {
      const value = scalar(spec.type, v, spec.keepZero);
      if (value !== undefined) out[spec.name] = value;
    }
  }
  return out;
}

function unsupported(what: string): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - this server decodes protobuf only for the kinds and fields kubectl's create commands send (${what} is not); send application/json or application/yaml`,
  );
}

/** The JSON form of a Kubernetes protobuf body: apiVersion and kind from the envelope. */
export function decodeProtobufObject(body: Buffer): Json {
  if (!body.subarray(0, 4).equals(MAGIC)) {
    throw new ApiError(
      400,
      'BadRequest',
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  let envelope: Map<number, WireValue>;
  let typeMeta: Map<number, WireValue>;
  try {
    envelope = new Map(readMessage(body.subarray(4)));
    typeMeta = new Map(readMessage(bytesOf(envelope.get(1))));
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `error decoding protobuf envelope: ${(err as Error).message}`);
  }
  const apiVersion = bytesOf(typeMeta.get(1)).toString('utf8');
  const kind = bytesOf(typeMeta.get(2)).toString('utf8');
  const message = TOP_LEVEL[`${apiVersion}/${kind}`];
  if (!message) throw unsupported(`${kind} ${apiVersion}`);
  try {
    return { apiVersion, kind, ...decodeMessage(message, bytesOf(envelope.get(2))) };
  } catch (err) {
    if (err instanceof UnknownField) throw unsupported(`${err.message} in ${kind} ${apiVersion}`);
    throw new ApiError(400, 'BadRequest', `error decoding protobuf ${kind}: ${(err as Error).message}`);
  }
}
