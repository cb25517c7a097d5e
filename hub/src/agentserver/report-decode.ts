// The agent server's wire edge for reports: a NodeReport's bytes decoded straight into the domain
// NodeSample — no protobufjs message objects, no toObject copy, no 64-bit Long objects — the step
// that made ingest allocate three objects per field group instead of one. Field numbers are the
// contract's (agenthub.proto, common.proto); checkDecodedFields() checks them against the loaded
// descriptors once, so a renumbered field fails at start-up, never silently. Enum values are read
// by number through tables built from the loaded contract, not written here a second time.
import protobuf from 'protobufjs';
import type { CapReasonName, ResizeStateName } from '../../../lib/api/types.ts';
import { kosmosPackageDefinition } from '../../../lib/grpc/proto.ts';
import { capReasonFromWire, resizeStateFromWire } from '../../../lib/grpc/wire-enums.ts';
import type { NodeSample, PodSample, ResponseTimeSample } from '../model/pod-sample.ts';
import type { Resources } from '../recommender/types.ts';

type Reader = protobuf.Reader;

/** Field numbers and types this decoder reads, by message and field name (camelCase, as the loader names them). */
export const DECODED_FIELDS = {
  'kosmos.v1.AgentMessage': {
    report: [2, 'TYPE_MESSAGE'],
  },
  'kosmos.v1.NodeReport': {
    nodeName: [1, 'TYPE_STRING'],
    sequence: [2, 'TYPE_UINT64'],
    agentVersion: [3, 'TYPE_STRING'],
    allocatable: [4, 'TYPE_MESSAGE'],
    untrackedRequests: [5, 'TYPE_MESSAGE'],
    pods: [6, 'TYPE_MESSAGE'],
    windowSeconds: [8, 'TYPE_DOUBLE'],
  },
  'kosmos.v1.PodReport': {
    uid: [1, 'TYPE_STRING'],
    namespace: [2, 'TYPE_STRING'],
    name: [3, 'TYPE_STRING'],
    container: [4, 'TYPE_STRING'],
    sla: [5, 'TYPE_STRING'],
    cpuUsageMilli: [6, 'TYPE_DOUBLE'],
    cpuThrottledRatio: [7, 'TYPE_DOUBLE'],
    memoryWorkingSetBytes: [8, 'TYPE_UINT64'],
    responseTime: [9, 'TYPE_MESSAGE'],
    enacted: [10, 'TYPE_MESSAGE'],
    capped: [11, 'TYPE_MESSAGE'],
    capReason: [12, 'TYPE_ENUM'],
    resizeState: [13, 'TYPE_ENUM'],
    resizeMessage: [14, 'TYPE_STRING'],
    ready: [15, 'TYPE_BOOL'],
    restartCount: [16, 'TYPE_UINT32'],
    lastTerminationOom: [17, 'TYPE_BOOL'],
    usageValid: [18, 'TYPE_BOOL'],
  },
  'kosmos.v1.ResponseTimeWindow': {
    requestCount: [1, 'TYPE_UINT64'],
    meanSeconds: [2, 'TYPE_DOUBLE'],
    p50Seconds: [3, 'TYPE_DOUBLE'],
    p90Seconds: [4, 'TYPE_DOUBLE'],
    p95Seconds: [5, 'TYPE_DOUBLE'],
    p99Seconds: [6, 'TYPE_DOUBLE'],
    windowSeconds: [7, 'TYPE_DOUBLE'],
    valid: [8, 'TYPE_BOOL'],
    error: [9, 'TYPE_STRING'],
    failureReason: [10, 'TYPE_STRING'],
  },
  'kosmos.v1.Resources': {
    cpuMilli: [1, 'TYPE_INT64'],
    memoryBytes: [2, 'TYPE_INT64'],
  },
} as const;

/** What the loaded contract says of a message's fields: name → number and descriptor type. */
export type FieldsOf = (message: string) => ReadonlyMap<string, { number: number; type: string }> | undefined;

/** Throws unless every field this decoder reads has the number and type the contract gives it. */
export function checkDecodedFields(contract: FieldsOf): void {
  for (const [message, fields] of Object.entries(DECODED_FIELDS)) {
    const actual = contract(message);
    for (const [name, [number, type]] of Object.entries(fields)) {
      const field = actual?.get(name);
      if (field === undefined || field.number !== number || field.type !== type)
        throw new Error(
          `report decoder out of date: ${message}.${name} is ${field ? `field ${field.number} (${field.type})` : 'missing'} in the contract, field ${number} (${type}) here`,
        );
    }
  }
}

/** An enum of the loaded contract as a table by wire number, each value named by the one wire-enum table. */
function byNumber<T>(enumName: string, fromWire: (wire: string) => T): readonly T[] {
  const type = (
    kosmosPackageDefinition()[enumName] as { type?: { value?: { name: string; number: number }[] } }
  )?.type;
  const table: T[] = [];
  for (const v of type?.value ?? []) table[v.number] = fromWire(v.name);
  return table;
}

interface WireEnums {
  capReason: readonly (CapReasonName | 'None')[];
  resizeState: readonly ResizeStateName[];
}

let enumTables: WireEnums | undefined;

/**
 * CapReason and ResizeState by wire number, built once from the contract (lib/grpc/wire-enums.ts
 * names them); a report's decoding reads them once and hands them down.
 */
function wireEnums(): WireEnums {
  enumTables ??= {
    capReason: byNumber('kosmos.v1.CapReason', capReasonFromWire),
    resizeState: byNumber('kosmos.v1.ResizeState', resizeStateFromWire),
  };
  return enumTables;
}

/**
 * A varint as a JS number: exact up to 2^53 (counts, bytes, millicores); `signed` reads the 10-byte
 * two's complement of a negative int64. Beyond 2^53 it is rounded, as Number(Long) would be.
 */
function varint(r: Reader, signed: boolean): number {
  const buf = r.buf;
  let pos = r.pos;
  let b = buf[pos++] as number;
  if (b < 0x80) {
    r.pos = pos;
    return b;
  }
  // the low 28 bits exactly, then the rest by multiplication (no 32-bit overflow)
  let low = b & 0x7f;
  let shift = 7;
  while (shift < 28) {
    b = buf[pos++] as number;
    low |= (b & 0x7f) << shift;
    if (b < 0x80) {
      r.pos = pos;
      return low;
    }
    shift += 7;
  }
  let high = 0;
  let scale = 1;
  for (let i = 0; i < 6; i++) {
    b = buf[pos++] as number;
    if (b === undefined) throw new RangeError('varint runs past the end of the message');
    high += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) break;
  }
  r.pos = pos;
  if (pos > r.len) throw new RangeError('varint runs past the end of the message');
  // value = low + high·2^28 (high holds bits 28..63)
  if (signed && high >= 2 ** 35) {
    // negative: 2^64 − value, computed as 2^36 − high and low's complement (exact within 2^53)
    return -((2 ** 36 - high) * 2 ** 28 - low);
  }
  return high * 2 ** 28 + low;
}

function resources(r: Reader, end: number): Resources {
  let cpuMilli = 0;
  let memoryBytes = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 0:
        cpuMilli = varint(r, true);
        break;
      case (2 << 3) | 0:
        memoryBytes = varint(r, true);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return { cpuMilli, memoryBytes };
}

const ZERO_RESOURCES: Resources = Object.freeze({ cpuMilli: 0, memoryBytes: 0 }) as Resources;

function responseTime(r: Reader, end: number): ResponseTimeSample {
  const rt: ResponseTimeSample = {
    requestCount: 0,
    meanSeconds: 0,
    p50Seconds: 0,
    p90Seconds: 0,
    p95Seconds: 0,
    p99Seconds: 0,
    windowSeconds: 0,
    valid: false,
    error: '',
    failureReason: '',
  };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 0:
        rt.requestCount = varint(r, false);
        break;
      case (2 << 3) | 1:
        rt.meanSeconds = r.double();
        break;
      case (3 << 3) | 1:
        rt.p50Seconds = r.double();
        break;
      case (4 << 3) | 1:
        rt.p90Seconds = r.double();
        break;
      case (5 << 3) | 1:
        rt.p95Seconds = r.double();
        break;
      case (6 << 3) | 1:
        rt.p99Seconds = r.double();
        break;
      case (7 << 3) | 1:
        rt.windowSeconds = r.double();
        break;
      case (8 << 3) | 0:
        rt.valid = r.bool();
        break;
      case (9 << 3) | 2:
        rt.error = r.string();
        break;
      case (10 << 3) | 2:
        rt.failureReason = r.string();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return rt;
}

function pod(r: Reader, end: number, previous: PodSample | undefined, enums: WireEnums): PodSample {
  let uid = '';
  let namespace = '';
  let name = '';
  let container = '';
  let sla = '';
  let cpuUsageMilli = 0;
  let cpuThrottledRatio = 0;
  let memoryWorkingSetBytes = 0;
  let rt: ResponseTimeSample | undefined;
  let enacted = ZERO_RESOURCES;
  let capped = ZERO_RESOURCES;
  let capReason: CapReasonName | 'None' = 'None';
  let resizeState: ResizeStateName = 'None';
  let resizeMessage = '';
  let ready = false;
  let restartCount = 0;
  let lastTerminationOom = false;
  let usageValid = false;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        uid = reusedString(r, previous?.uid);
        break;
      case (2 << 3) | 2:
        namespace = reusedString(r, previous?.namespace);
        break;
      case (3 << 3) | 2:
        name = reusedString(r, previous?.name);
        break;
      case (4 << 3) | 2:
        container = reusedString(r, previous?.container);
        break;
      case (5 << 3) | 2:
        sla = reusedString(r, previous?.sla);
        break;
      case (6 << 3) | 1:
        cpuUsageMilli = r.double();
        break;
      case (7 << 3) | 1:
        cpuThrottledRatio = r.double();
        break;
      case (8 << 3) | 0:
        memoryWorkingSetBytes = varint(r, false);
        break;
      case (9 << 3) | 2: {
        const len = r.uint32();
        rt = responseTime(r, r.pos + len);
        break;
      }
      case (10 << 3) | 2: {
        const len = r.uint32();
        enacted = resources(r, r.pos + len);
        break;
      }
      case (11 << 3) | 2: {
        const len = r.uint32();
        capped = resources(r, r.pos + len);
        break;
      }
      case (12 << 3) | 0:
        capReason = enums.capReason[r.int32()] ?? 'None';
        break;
      case (13 << 3) | 0:
        resizeState = enums.resizeState[r.int32()] ?? 'None';
        break;
      case (14 << 3) | 2:
        resizeMessage = r.string();
        break;
      case (15 << 3) | 0:
        ready = r.bool();
        break;
      case (16 << 3) | 0:
        restartCount = r.uint32();
        break;
      case (17 << 3) | 0:
        lastTerminationOom = r.bool();
        break;
      case (18 << 3) | 0:
        usageValid = r.bool();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  // one literal per shape (with and without a window), in podSampleFromWire's field order
  const enactedCopy = enacted === ZERO_RESOURCES ? { cpuMilli: 0, memoryBytes: 0 } : enacted;
  const cappedCopy = capped === ZERO_RESOURCES ? { cpuMilli: 0, memoryBytes: 0 } : capped;
  const sample: PodSample = rt
    ? {
        uid,
        namespace,
        name,
        container,
        sla,
        cpuUsageMilli,
        cpuThrottledRatio,
        memoryWorkingSetBytes,
        responseTime: rt,
        enacted: enactedCopy,
        capped: cappedCopy,
        capReason,
        resizeState,
        ready,
        restartCount,
        lastTerminationOom,
        usageValid,
      }
    : {
        uid,
        namespace,
        name,
        container,
        sla,
        cpuUsageMilli,
        cpuThrottledRatio,
        memoryWorkingSetBytes,
        enacted: enactedCopy,
        capped: cappedCopy,
        capReason,
        resizeState,
        ready,
        restartCount,
        lastTerminationOom,
        usageValid,
      };
  if (resizeMessage) sample.resizeMessage = resizeMessage;
  return sample;
}

function nodeReport(r: Reader, end: number, previousOf: PreviousPods, enums: WireEnums): NodeSample {
  let nodeName = '';
  let sequence = 0;
  let agentVersion = '';
  let allocatable: Resources | null = null;
  let untrackedRequests: Resources | null = null;
  let windowSeconds = 0;
  const pods: PodSample[] = [];
  let previous: readonly PodSample[] | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | 2:
        nodeName = r.string();
        break;
      case (2 << 3) | 0:
        sequence = varint(r, false);
        break;
      case (3 << 3) | 2:
        agentVersion = r.string();
        break;
      case (4 << 3) | 2: {
        const len = r.uint32();
        allocatable = resources(r, r.pos + len);
        break;
      }
      case (5 << 3) | 2: {
        const len = r.uint32();
        untrackedRequests = resources(r, r.pos + len);
        break;
      }
      case (6 << 3) | 2: {
        const len = r.uint32();
        // the node's last report, once its name is read (encoders write it first)
        previous ??= nodeName ? (previousOf(nodeName) ?? []) : [];
        pods.push(pod(r, r.pos + len, previous[pods.length], enums));
        break;
      }
      case (8 << 3) | 1:
        windowSeconds = r.double();
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  return { nodeName, sequence, agentVersion, allocatable, untrackedRequests, windowSeconds, pods };
}

/** The pods of the node's last report, in its order, if any. */
export type PreviousPods = (nodeName: string) => readonly PodSample[] | undefined;

const NO_PREVIOUS: PreviousPods = () => undefined;

/**
 * A string field equal to `previous` (the same pod's in the node's last report: agents report their
 * pods in a stable order) is handed back as that very string: a steady report allocates no
 * identifiers, the samples share them and the model's and informer's lookups find the keys they hold.
 * Compared byte by byte, ASCII only; anything else is decoded.
 */
function reusedString(r: Reader, previous: string | undefined): string {
  if (previous === undefined) return r.string();
  const at = r.pos;
  const len = r.uint32();
  const start = r.pos;
  if (previous.length === len && start + len <= r.len) {
    const buf = r.buf;
    let i = 0;
    while (i < len) {
      const b = buf[start + i] as number;
      if (b >= 0x80 || b !== previous.charCodeAt(i)) break;
      i++;
    }
    if (i === len) {
      r.pos = start + len;
      return previous;
    }
  }
  r.pos = at;
  return r.string();
}

/**
 * The report an AgentMessage carries, decoded into the domain, or undefined when the message is not
 * a report (a hello: the caller decodes it the ordinary way). As protobuf reads a oneof, the last
 * member on the wire wins. `previousOf` gives the node's last report's pods, whose strings are reused.
 */
export function decodeReportMessage(
  bytes: Uint8Array,
  previousOf: PreviousPods = NO_PREVIOUS,
): NodeSample | undefined {
  const r = protobuf.Reader.create(bytes);
  const enums = wireEnums();
  let report: NodeSample | undefined;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ((2 << 3) | 2)) {
      const len = r.uint32();
      report = nodeReport(r, r.pos + len, previousOf, enums);
    } else {
      if (tag >>> 3 === 1) report = undefined;
      r.skipType(tag & 7);
    }
  }
  return report;
}

/** Nodes whose last report a ReportDecoder keeps at most (a hub of more forgets them all and starts over). */
const MAX_REMEMBERED_NODES = 20_000;

/** decodeReportMessage with the memory of each node's last report. */
export class ReportDecoder {
  readonly #last = new Map<string, readonly PodSample[]>();
  readonly #previousOf: PreviousPods = (node) => this.#last.get(node);

  decode(bytes: Uint8Array): NodeSample | undefined {
    const report = decodeReportMessage(bytes, this.#previousOf);
    if (report?.nodeName) {
      if (this.#last.size >= MAX_REMEMBERED_NODES && !this.#last.has(report.nodeName)) this.#last.clear();
      this.#last.set(report.nodeName, report.pods);
    }
    return report;
  }

  /** The node is gone: its last report is no longer kept. */
  forget(node: string): void {
    this.#last.delete(node);
  }
}
