// Loads the kosmos.v1 gRPC package once; every client and server takes its definitions from here.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AgentHubGrpc } from '../../proto/gen/agenthub.ts';
import type { ProtoGrpcType as StatusGrpc } from '../../proto/gen/status.ts';
import { LOADER_OPTIONS, PROTO_FILES } from '../../proto/options.ts';

export const PROTOCOL_VERSION = 1;

let loaded: (AgentHubGrpc & StatusGrpc) | undefined;
let definition: protoLoader.PackageDefinition | undefined;

/** The loaded contract's descriptors (message types by full name), for edges that read the wire themselves. */
export function kosmosPackageDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync(PROTO_FILES, {
    ...LOADER_OPTIONS,
    includeDirs: [...LOADER_OPTIONS.includeDirs],
  });
  return definition;
}

export function kosmosProto(): AgentHubGrpc & StatusGrpc {
  loaded ??= grpc.loadPackageDefinition(kosmosPackageDefinition()) as unknown as AgentHubGrpc & StatusGrpc;
  return loaded;
}
