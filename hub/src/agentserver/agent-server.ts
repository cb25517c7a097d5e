// Serves AgentHub.Connect: authenticates each node's stream, folds its reports into the model and
// answers every report with that node's directive. A dropped stream marks the node stale.
import * as grpc from '@grpc/grpc-js';
import { PROTOCOL_VERSION } from '../../../lib/grpc/proto.ts';
import type { Logger } from '../../../lib/log.ts';
import type { AgentHubHandlers } from '../../../proto/gen/kosmos/v1/AgentHub.ts';
import type { AgentMessage__Output } from '../../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { ArbitrationPolicy } from '../../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { HubMessage } from '../../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeReport__Output } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import { AgentAuthError, type AgentAuthenticator, type AgentIdentity } from '../auth/agent-auth.ts';
import { guardReport, type PodPlacement, type RefusedPod } from '../auth/report-guard.ts';
import type { ClusterModel } from '../model/cluster-model.ts';

export interface AgentServerDeps {
  model: ClusterModel;
  auth: AgentAuthenticator;
  placement: PodPlacement;
  /** Only the leader serves agents; standbys refuse so agents retry until they reach it. */
  isLeader: () => boolean;
  hubId: string;
  tickPeriodMs: number;
  now: () => number;
  log: Logger;
  policyFor?: (node: string) => ArbitrationPolicy;
  onReport?: (node: string, refused: RefusedPod[]) => void;
}

type Call = grpc.ServerDuplexStream<AgentMessage__Output, HubMessage>;

export class AgentServer {
  readonly #deps: AgentServerDeps;
  readonly #streams = new Map<string, Call>();

  constructor(deps: AgentServerDeps) {
    this.#deps = deps;
  }

  handlers(): AgentHubHandlers {
    return { Connect: (call) => this.#connect(call as Call) };
  }

  connectedNodes(): string[] {
    return [...this.#streams.keys()];
  }

  /** Ends every stream (leadership lost, shutdown); the nodes become stale. */
  closeAll(reason: string): void {
    for (const [node, call] of this.#streams) {
      this.#streams.delete(node);
      this.#deps.model.disconnect(node);
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: reason });
    }
  }

  #connect(call: Call): void {
    const { log, model } = this.#deps;
    if (!this.#deps.isLeader()) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'not the leader hub; retry' });
      return;
    }
    let identity: AgentIdentity | undefined;
    let closed = false;
    let queue = Promise.resolve();
    const fail = (code: grpc.status, details: string) => {
      if (closed) return;
      closed = true;
      call.emit('error', { code, details });
    };
    const onEnd = () => {
      if (closed && !identity) return;
      closed = true;
      if (identity && this.#streams.get(identity.nodeName) === call) {
        this.#streams.delete(identity.nodeName);
        model.disconnect(identity.nodeName);
        log.warn({ node: identity.nodeName }, 'agent stream closed; node is stale');
      }
    };
    const handle = async (msg: AgentMessage__Output) => {
      if (closed) return;
      if (msg.body === 'hello' && msg.hello) {
        if (identity) return fail(grpc.status.FAILED_PRECONDITION, 'hello sent twice');
        try {
          identity = await this.#deps.auth.authenticate(msg.hello);
        } catch (err) {
          const refused = err instanceof AgentAuthError;
          log.warn({ err, claimedNode: msg.hello.nodeName }, 'agent refused');
          return fail(
            refused ? grpc.status.UNAUTHENTICATED : grpc.status.UNAVAILABLE,
            (err as Error).message,
          );
        }
        if (closed) return;
        const previous = this.#streams.get(identity.nodeName);
        if (previous && previous !== call) {
          previous.emit('error', { code: grpc.status.ABORTED, details: 'replaced by a newer stream' });
        }
        this.#streams.set(identity.nodeName, call);
        model.connect(identity.nodeName, msg.hello.agentVersion, this.#deps.now());
        log.info({ node: identity.nodeName, agentVersion: msg.hello.agentVersion }, 'agent connected');
        this.#write(call, {
          welcome: {
            protocolVersion: PROTOCOL_VERSION,
            hubId: this.#deps.hubId,
            tickPeriodMs: this.#deps.tickPeriodMs,
          },
        });
        return;
      }
      if (msg.body === 'report' && msg.report) {
        if (!identity) return fail(grpc.status.FAILED_PRECONDITION, 'send hello before reports');
        this.#report(call, identity, msg.report);
      }
    };
    call.on('data', (msg: AgentMessage__Output) => {
      queue = queue.then(() => handle(msg)).catch((err) => log.error({ err }, 'agent message failed'));
    });
    call.on('end', () => {
      onEnd();
      call.end();
    });
    call.on('error', onEnd);
    call.on('cancelled', onEnd);
    call.on('close', onEnd);
  }

  #report(call: Call, identity: AgentIdentity, report: NodeReport__Output): void {
    const { log, model } = this.#deps;
    const guarded = guardReport(identity.nodeName, report, this.#deps.placement);
    if (!guarded.ok) {
      log.warn({ node: identity.nodeName, reportNode: report.nodeName }, guarded.reason);
      call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: guarded.reason });
      return;
    }
    if (guarded.refused.length > 0) {
      log.warn(
        { node: identity.nodeName, refused: guarded.refused },
        'refused pod reports not placed on this node',
      );
    }
    if (this.#streams.get(identity.nodeName) !== call) return;
    model.foldReport(guarded.report, this.#deps.now());
    this.#deps.onReport?.(identity.nodeName, guarded.refused);
    this.#write(call, {
      directive: {
        nodeName: identity.nodeName,
        inReplyTo: report.sequence,
        pods: model.directivesFor(identity.nodeName),
        policy: this.#deps.policyFor?.(identity.nodeName) ?? 'ARBITRATION_POLICY_PROPORTIONAL',
        tickPeriodMs: this.#deps.tickPeriodMs,
      },
    });
  }

  #write(call: Call, msg: HubMessage): void {
    // Replies are full snapshots: when the stream is backed up, dropping one loses nothing.
    if (call.writableNeedDrain) return;
    call.write(msg);
  }
}
