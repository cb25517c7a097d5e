// The contract's message types as protobufjs Types, for the edges that encode plain objects with the
// generated encoders themselves (directive-encoder.ts, report-encoder.ts) instead of proto-loader's
// serializers, which copy every message through fromObject first. Loaded once, with the same files
// and field naming as lib/grpc/proto.ts.
import protobuf from 'protobufjs';
import { LOADER_OPTIONS, PROTO_FILES, PROTO_ROOT } from '../../proto/options.ts';

export interface ContractTypes {
  hubMessage: protobuf.Type;
  agentMessage: protobuf.Type;
  /** Enum value names → numbers. */
  arbitrationPolicy: Readonly<Record<string, number>>;
  capReason: Readonly<Record<string, number>>;
  resizeState: Readonly<Record<string, number>>;
}

let loaded: ContractTypes | undefined;

export function contractTypes(): ContractTypes {
  if (!loaded) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('/') ? target : `${PROTO_ROOT}${target}`);
    root.loadSync([...PROTO_FILES], { keepCase: LOADER_OPTIONS.keepCase });
    loaded = {
      hubMessage: root.lookupType('kosmos.v1.HubMessage'),
      agentMessage: root.lookupType('kosmos.v1.AgentMessage'),
      arbitrationPolicy: root.lookupEnum('kosmos.v1.ArbitrationPolicy').values,
      capReason: root.lookupEnum('kosmos.v1.CapReason').values,
      resizeState: root.lookupEnum('kosmos.v1.ResizeState').values,
    };
  }
  return loaded;
}

/** Pre-encoded messages (Buffers) pass through; anything else goes to the method's own serializer. */
export function passingEncoded<T>(serialize: (value: T) => Buffer): (value: T | Buffer) => Buffer {
  return (value) => (Buffer.isBuffer(value) ? value : serialize(value));
}
