// Serves HubStatus (kosmosctl, dashboards) from the StatusBoard: read-only, answered by any replica
// (a standby says it is not the leader and shows what it last saw).
import * as grpc from '@grpc/grpc-js';
import type { HubStatusHandlers } from '../../../proto/gen/kosmos/v1/HubStatus.ts';
import type { StatusBoard } from './status-board.ts';

export interface StatusServerDeps {
  board: StatusBoard;
  hubId: string;
  isLeader: () => boolean;
}

function notFound(what: string): grpc.ServiceError {
  return Object.assign(new Error(`${what} not found`), {
    code: grpc.status.NOT_FOUND,
    details: `${what} not found`,
    metadata: new grpc.Metadata(),
  });
}

export function statusHandlers({ board, hubId, isLeader }: StatusServerDeps): HubStatusHandlers {
  return {
    ListSlas: (call, cb) => {
      cb(null, { slas: board.services(call.request.namespace).map((v) => v.sla), hubId, leader: isLeader() });
    },
    GetService: (call, cb) => {
      const { namespace, name } = call.request;
      const view = board.service(namespace, name);
      if (!view) return cb(notFound(`ServiceLevelAgreement ${namespace}/${name}`));
      cb(null, { sla: view.sla, pods: view.pods, recentDecisions: board.recentDecisions(namespace, name) });
    },
    GetPod: (call, cb) => {
      const { namespace, name } = call.request;
      const pod = board.pod(namespace, name);
      if (!pod) return cb(notFound(`tracked pod ${namespace}/${name}`));
      cb(null, pod);
    },
    WatchDecisions: (call) => {
      const namespace = call.request.namespace;
      const off = board.subscribe((d) => {
        if (!namespace || d.namespace === namespace) call.write(d);
      });
      const stop = () => off();
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
    },
  };
}
