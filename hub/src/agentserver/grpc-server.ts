// Starts a gRPC server on loopback or any address with the keepalive and connection-age settings
// long-lived agent streams need (dead peers are reaped; agents are rebalanced over time).
import * as grpc from '@grpc/grpc-js';

export interface GrpcServerOptions {
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  /** Connections are closed (gracefully) after this age so agents spread over hub replicas. */
  maxConnectionAgeMs?: number;
  maxConnectionAgeGraceMs?: number;
  /** Largest message accepted, bytes (default 4 MiB: a report of 250 pods at every string limit is < 1 MiB). */
  maxReceiveMessageBytes?: number;
  /** TLS (lib/tls.ts); default plaintext. */
  credentials?: grpc.ServerCredentials;
}

export interface RunningGrpcServer {
  server: grpc.Server;
  port: number;
  stop(): Promise<void>;
}

export function serverChannelOptions(o: GrpcServerOptions = {}): grpc.ChannelOptions {
  return {
    'grpc.keepalive_time_ms': o.keepaliveTimeMs ?? 20_000,
    'grpc.keepalive_timeout_ms': o.keepaliveTimeoutMs ?? 5_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    'grpc.max_connection_age_ms': o.maxConnectionAgeMs ?? 30 * 60_000,
    'grpc.max_connection_age_grace_ms': o.maxConnectionAgeGraceMs ?? 30_000,
    'grpc.max_receive_message_length': o.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
    // channelz (grpc's introspection service, which kosmos does not serve) counts and timestamps
    // every message of every stream: work per report for nothing read
    'grpc.enable_channelz': 0,
  };
}

/**
 * Node's Buffer pool serves allocations under half its size (default 8 KiB pool: < 4 KiB). A report
 * of 30 pods is ~6.4 KiB and a directive ~4.4 KiB, so grpc-js's framing copies (Buffer.concat in,
 * allocUnsafe out) each took an ArrayBuffer of their own: two or three per report, which the GC
 * then tracks and sweeps. With 64 KiB pools, messages up to 32 KiB (a 110-pod report) are slices.
 */
export const MESSAGE_BUFFER_POOL_BYTES = 64 * 1024;

export async function startGrpcServer(
  host: string,
  port: number,
  services: Array<[grpc.ServiceDefinition, grpc.UntypedServiceImplementation]>,
  options: GrpcServerOptions = {},
): Promise<RunningGrpcServer> {
  if (Buffer.poolSize < MESSAGE_BUFFER_POOL_BYTES) Buffer.poolSize = MESSAGE_BUFFER_POOL_BYTES;
  const server = new grpc.Server(serverChannelOptions(options));
  for (const [definition, handlers] of services) server.addService(definition, handlers);
  const bound = await new Promise<number>((resolve, reject) => {
    const credentials = options.credentials ?? grpc.ServerCredentials.createInsecure();
    server.bindAsync(`${host}:${port}`, credentials, (err, p) =>
      err ? reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`)) : resolve(p),
    );
  });
  return {
    server,
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
