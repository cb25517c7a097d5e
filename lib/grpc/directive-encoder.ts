// Encodes a NodeDirective's HubMessage straight from the plain objects the hub holds: the generated
// protobufjs encoder of the same contract, without the fromObject copy proto-loader's serializer makes
// of every pod first (a 30-pod directive: 112 → 69 µs). The bytes are the serializer's.
import protobuf from 'protobufjs';
import type { ArbitrationPolicy } from '../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { PodDirective } from '../../proto/gen/kosmos/v1/PodDirective.ts';
import { LOADER_OPTIONS, PROTO_FILES, PROTO_ROOT } from '../../proto/options.ts';

export interface DirectiveFields {
  nodeName: string;
  /** Plain objects with numbers for 64-bit fields (as the hub's model holds them), never mutated here. */
  pods: readonly PodDirective[];
  policy: ArbitrationPolicy;
  tickPeriodMs: number;
}

let loaded: { hubMessage: protobuf.Type; policy: Record<string, number> } | undefined;

function types() {
  if (!loaded) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : `${PROTO_ROOT}${target}`);
    root.loadSync([...PROTO_FILES], { keepCase: LOADER_OPTIONS.keepCase });
    loaded = {
      hubMessage: root.lookupType('kosmos.v1.HubMessage'),
      policy: root.lookupEnum('kosmos.v1.ArbitrationPolicy').values,
    };
  }
  return loaded;
}

/** HubMessage{directive} bytes, as proto-loader's responseSerialize would give them. */
export function encodeDirectiveMessage(d: DirectiveFields): Buffer {
  const { hubMessage, policy } = types();
  const wirePolicy = typeof d.policy === 'number' ? d.policy : (policy[d.policy] ?? 0);
  const bytes = hubMessage
    .encode({
      directive: { nodeName: d.nodeName, pods: d.pods, policy: wirePolicy, tickPeriodMs: d.tickPeriodMs },
    })
    .finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
