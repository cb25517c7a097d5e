// Loads the kosmos.v1 gRPC package once; every client and server takes its definitions from here.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AgentHubGrpc } from '../../proto/gen/agenthub.ts';
import type { ProtoGrpcType as StatusGrpc } from '../../proto/gen/status.ts';
import { LOADER_OPTIONS, PROTO_FILES } from '../../proto/options.ts';

export const PROTOCOL_VERSION = 1;

let loaded: (AgentHubGrpc & StatusGrpc) | undefined;

export function kosmosProto(): AgentHubGrpc & StatusGrpc {
  if (!loaded) {
    const definition = protoLoader.loadSync(PROTO_FILES, {
      ...LOADER_OPTIONS,
      includeDirs: [...LOADER_OPTIONS.includeDirs],
    });
    loaded = grpc.loadPackageDefinition(definition) as unknown as AgentHubGrpc & StatusGrpc;
  }
  return loaded;
}
