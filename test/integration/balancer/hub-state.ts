// A hub's published state for the balancer tests: a real StatusBoard served by the real HubStatus
// gRPC handlers on loopback, with pod weights computed by the hub's own weight function.
import * as grpc from '@grpc/grpc-js';
import { StatusBoard } from '../../../hub/src/status/status-board.ts';
import { statusHandlers } from '../../../hub/src/status/status-server.ts';
import { computeWeights } from '../../../hub/src/status/weights.ts';
import { kosmosProto } from '../../../lib/grpc/proto.ts';
import type { PodStatus } from '../../../proto/gen/kosmos/v1/PodStatus.ts';

export const SLA = { namespace: 'shop', name: 'web' } as const;

export interface HubState {
  address: string;
  board: StatusBoard;
  /** Publishes the SLA's pods with these enacted CPUs (millicores), weights as the control loop computes them;
   *  pod UIDs from `uids` (the API server's) or made up. */
  publish(enactedCpuMilli: Record<string, number>, uids?: ReadonlyMap<string, string>): Map<string, number>;
  stop(): Promise<void>;
}

export async function startHubState(): Promise<HubState> {
  const board = new StatusBoard();
  const server = new grpc.Server();
  server.addService(
    kosmosProto().kosmos.v1.HubStatus.service,
    statusHandlers({ board, hubId: 'test', isLeader: () => true }),
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  let state = new Map<string, number>();
  return {
    address: `127.0.0.1:${port}`,
    board,
    publish(enacted, uids) {
      const { weights, state: next } = computeWeights(state, new Map(Object.entries(enacted)), {
        smoothing: 1,
        floorFraction: 0.1,
      });
      state = next;
      const pods: PodStatus[] = Object.entries(enacted).map(([name, cpuMilli]) => ({
        namespace: SLA.namespace,
        name,
        uid: uids?.get(name) ?? `uid-${name}`,
        sla: `${SLA.namespace}/${SLA.name}`,
        enacted: { cpuMilli, memoryBytes: 256 * 2 ** 20 },
        lbWeight: weights.get(name) ?? 0,
      }));
      board.publishService({
        sla: { namespace: SLA.namespace, name: SLA.name, podsTracked: pods.length },
        pods,
      });
      return weights;
    },
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
