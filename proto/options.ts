// The protobuf loading options, beside the contract they load. gen.ts passes the same choices to
// the type generator, so the generated TypeScript types describe exactly what the loader produces
// at run time; lib/grpc/proto.ts loads with them. Imports nothing: the contract depends on no room.
export const PROTO_ROOT = new URL('./', import.meta.url).pathname;

export const PROTO_FILES = ['kosmos/v1/common.proto', 'kosmos/v1/agenthub.proto', 'kosmos/v1/status.proto'];

export const LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
} as const;

/** Flags for proto-loader-gen-types that match LOADER_OPTIONS. */
export const GENERATOR_FLAGS = [
  '--longs=Number',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--includeComments',
  '--grpcLib=@grpc/grpc-js',
  '--importFileExtension=.ts',
];
