// Serves HubStatus (kosmosctl, dashboards) from the StatusBoard: read-only, answered by any replica
// (a standby says it is not the leader and shows what it last saw). With an authorizer every call
// must carry the status bearer token (status-auth.ts).
import * as grpc from '@grpc/grpc-js';
import type { HubStatusHandlers } from '../../../proto/gen/kosmos/v1/HubStatus.ts';
import type { StatusAuthorizer } from './status-auth.ts';
import type { StatusBoard } from './status-board.ts';

export interface StatusServerDeps {
  board: StatusBoard;
  hubId: string;
  isLeader: () => boolean;
  /** Refuses calls without the right bearer token; undefined: no token asked. */
  authorize?: StatusAuthorizer;
}

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

function notFound(what: string): grpc.ServiceError {
  return serviceError(grpc.status.NOT_FOUND, `${what} not found`);
}

export function statusHandlers({ board, hubId, isLeader, authorize }: StatusServerDeps): HubStatusHandlers {
  const refused = (metadata: grpc.Metadata) => {
    const why = authorize?.(metadata);
    return why === undefined ? undefined : serviceError(grpc.status.UNAUTHENTICATED, why);
  };
  return {
    ListSlas: (call, cb) => {
      const denied = refused(call.metadata);
      if (denied) return cb(denied);
      cb(null, { slas: board.services(call.request.namespace).map((v) => v.sla), hubId, leader: isLeader() });
    },
    GetService: (call, cb) => {
      const denied = refused(call.metadata);
      if (denied) return cb(denied);
      const { namespace, name } = call.request;
      const view = board.service(namespace, name);
      if (!view) return cb(notFound(`ServiceLevelAgreement ${namespace}/${name}`));
      cb(null, { sla: view.sla, pods: view.pods, recentDecisions: board.recentDecisions(namespace, name) });
    },
    GetPod: (call, cb) => {
      const denied = refused(call.metadata);
      if (denied) return cb(denied);
      const { namespace, name } = call.request;
      const pod = board.pod(namespace, name);
      if (!pod) return cb(notFound(`tracked pod ${namespace}/${name}`));
      cb(null, pod);
    },
    WatchDecisions: (call) => {
      const denied = refused(call.metadata);
      if (denied) {
        call.emit('error', denied);
        return;
      }
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
