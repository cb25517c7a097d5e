// Serves AgentHub.Connect: authenticates each node's stream, folds its reports into the model,
// answers every report with that node's directive and pushes each node's directive after every pass. A dropped stream marks the node stale.
// One stream per node, never displaced while it reports; only Kubernetes Nodes are served; a
// report over the bounds (report-bounds.ts) closes its stream; silent or deleted nodes are forgotten.
import * as grpc from '@grpc/grpc-js';
import { passingEncoded } from '../../../lib/grpc/contract-types.ts';
import { encodeDirectiveMessage } from '../../../lib/grpc/directive-encoder.ts';
import { withTrailingVarint } from '../../../lib/grpc/encoded-message.ts';
import { kosmosProto, PROTOCOL_VERSION } from '../../../lib/grpc/proto.ts';
import type { Logger } from '../../../lib/log.ts';
import type { AgentHubHandlers } from '../../../proto/gen/kosmos/v1/AgentHub.ts';
import type { AgentMessage__Output } from '../../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { ArbitrationPolicy } from '../../../proto/gen/kosmos/v1/ArbitrationPolicy.ts';
import type { Hello__Output } from '../../../proto/gen/kosmos/v1/Hello.ts';
import type { HubMessage } from '../../../proto/gen/kosmos/v1/HubMessage.ts';
import type { PodDirective } from '../../../proto/gen/kosmos/v1/PodDirective.ts';
import { AgentAuthError, type AgentAuthenticator, type AgentIdentity } from '../auth/agent-auth.ts';
import type { PlacementVersion } from '../auth/pod-placements.ts';
import { clip, helloOutOfBounds, reportOutOfBounds } from '../auth/report-bounds.ts';
import {
  type GuardResult,
  guardReport,
  guardReportSince,
  type PlacedPods,
  type PodPlacement,
  type RefusedPod,
} from '../auth/report-guard.ts';
import type { ClusterModel } from '../model/cluster-model.ts';
import type { NodeSample } from '../model/pod-sample.ts';
import { checkedReportDecoder } from './report-contract.ts';
import type { ReportDecoder } from './report-decode.ts';

/** The Kubernetes Nodes the hub knows (its Node informer). */
export interface NodeDirectory {
  /** Pods the Node can run (status.capacity.pods or the default), undefined when no such Node exists. */
  podCapacity(node: string): number | undefined;
}

/** Why a stream was refused or closed, as counted in kosmos_hub_refused_agents_total. */
export type AgentRefusal =
  | 'bad-hello'
  | 'unauthenticated'
  | 'unknown-node'
  | 'node-taken'
  | 'report-out-of-bounds'
  | 'report-for-other-node';

/** Refused pods logged by name per report; the rest are counted. */
const REFUSED_PODS_LOGGED = 5;

export interface AgentServerDeps {
  model: ClusterModel;
  auth: AgentAuthenticator;
  placement: PodPlacement;
  /**
   * The version of a node's placement (PodPlacements.version): with it, a report naming the same pods
   * as the node's last accepted one while the version holds is not looked up pod by pod again.
   */
  placementVersion?: PlacementVersion;
  nodes: NodeDirectory;
  /**
   * A node's stream that has not reported for this long may be taken over by a new stream that
   * authenticates (tokenreview) as the node: the restart of an agent whose old stream is half-dead.
   * A stream that reports is never displaced. Default 5 s.
   */
  takeoverAfterMs?: number;
  onRefused?: (reason: AgentRefusal) => void;
  /** Only the leader serves agents; standbys refuse so agents retry until they reach it. */
  isLeader: () => boolean;
  hubId: string;
  tickPeriodMs: number;
  now: () => number;
  log: Logger;
  policyFor?: (node: string) => ArbitrationPolicy;
  onReport?: (node: string, refused: RefusedPod[]) => void;
  /**
   * Called with each folded report: a promise when the report cannot wait for the next pass (a pass
   * then runs early), answered with the directive that pass planned; undefined: answered at once.
   */
  planNow?: (sample: NodeSample) => Promise<void> | undefined;
  /** How long an answer waits for such a pass at most (default 500 ms); then the standing directive goes. */
  answerWaitMs?: number;
}

/** An agent's message as the server reads it: a report arrives already as the domain sample. */
type AgentMessageIn =
  | { hello: Hello__Output; report?: undefined }
  | { hello?: undefined; report?: NodeSample };

type Call = grpc.ServerDuplexStream<AgentMessageIn, HubMessage | Buffer>;

/** NodeDirective.in_reply_to */
const IN_REPLY_TO_FIELD = 2;

interface EncodedDirective {
  pods: readonly PodDirective[];
  policy: ArbitrationPolicy;
  encode: (inReplyTo: number) => Buffer;
}

/**
 * AgentHub with a request deserializer that decodes reports straight into the domain (report-decode.ts;
 * a hello the ordinary way) and a response serializer that passes pre-encoded messages through.
 */
function agentHubDefinition(decoder: ReportDecoder): grpc.ServiceDefinition {
  const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;
  return {
    Connect: {
      ...connect,
      requestDeserialize: (bytes: Buffer): AgentMessageIn => {
        const report = decoder.decode(bytes);
        if (report) return { report };
        const msg = connect.requestDeserialize(bytes) as AgentMessage__Output;
        return msg.body === 'hello' && msg.hello ? { hello: msg.hello } : {};
      },
      responseSerialize: passingEncoded<HubMessage>(connect.responseSerialize),
    },
  } as grpc.ServiceDefinition;
}

interface NodeStream {
  call: Call;
  identity: AgentIdentity;
  /** When the stream was accepted or last reported. */
  lastActivityMs: number;
  /** The stream's last report whose pods were all placed on its node (see guardReportSince). */
  placed?: PlacedPods | undefined;
}

export class AgentServer {
  readonly #deps: AgentServerDeps;
  readonly #streams = new Map<string, NodeStream>();
  readonly #encoded = new Map<string, EncodedDirective>();
  readonly #decoder = checkedReportDecoder();

  constructor(deps: AgentServerDeps) {
    this.#deps = deps;
  }

  handlers(): grpc.UntypedServiceImplementation {
    return { Connect: (call: Call) => this.#connect(call) } satisfies Record<keyof AgentHubHandlers, unknown>;
  }

  /** AgentHub as this server serves it: directives go out pre-encoded (see #directive). */
  definition(): grpc.ServiceDefinition {
    return agentHubDefinition(this.#decoder);
  }

  connectedNodes(): string[] {
    return [...this.#streams.keys()];
  }

  /** Ends every stream (leadership lost, shutdown); the nodes become stale. */
  closeAll(reason: string): void {
    for (const [node, { call }] of this.#streams) {
      this.#streams.delete(node);
      this.#deps.model.disconnect(node);
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: reason });
    }
  }

  /** The Node was deleted from Kubernetes: close its stream and forget it. */
  forgetNode(node: string, reason: string): void {
    this.#encoded.delete(node);
    this.#decoder.forget(node);
    const stream = this.#streams.get(node);
    if (stream) {
      this.#streams.delete(node);
      stream.call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: reason });
    }
    if (this.#deps.model.node(node)) {
      this.#deps.log.info({ node, reason }, 'node forgotten');
      this.#deps.model.removeNode(node);
    }
  }

  /**
   * Forgets nodes silent for forgetAfterMs (no report): closes their stream if one is still open and
   * removes them from the model, so neither they nor their room outlive their agent. Returns them.
   */
  sweep(nowMs: number, forgetAfterMs: number): string[] {
    const forgotten: string[] = [];
    for (const node of this.#deps.model.nodes()) {
      const stream = this.#streams.get(node.name);
      const last = Math.max(node.lastReportMs, node.connectedSinceMs, stream?.lastActivityMs ?? 0);
      if (nowMs - last < forgetAfterMs) continue;
      this.forgetNode(node.name, `no report for ${Math.round((nowMs - last) / 1000)} s; reconnect`);
      forgotten.push(node.name);
    }
    return forgotten;
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
    const refuse = (
      reason: AgentRefusal,
      code: grpc.status,
      details: string,
      fields: Record<string, unknown>,
    ) => {
      if (closed) return;
      closed = true;
      this.#refuse(call, reason, code, details, fields, 'agent refused');
    };
    const onEnd = () => {
      if (closed && !identity) return;
      closed = true;
      if (identity && this.#streams.get(identity.nodeName)?.call === call) {
        this.#streams.delete(identity.nodeName);
        model.disconnect(identity.nodeName);
        log.warn({ node: identity.nodeName }, 'agent stream closed; node is stale');
      }
    };
    const handle = async (msg: AgentMessageIn) => {
      if (closed) return;
      if (msg.hello) {
        if (identity) return fail(grpc.status.FAILED_PRECONDITION, 'hello sent twice');
        const claimedNode = clip(msg.hello.nodeName);
        const outOfBounds = helloOutOfBounds(msg.hello);
        if (outOfBounds)
          return refuse('bad-hello', grpc.status.INVALID_ARGUMENT, outOfBounds, { claimedNode });
        let who: AgentIdentity;
        try {
          who = await this.#deps.auth.authenticate(msg.hello);
        } catch (err) {
          if (!(err instanceof AgentAuthError)) {
            log.warn({ err, claimedNode }, 'agent authentication failed; the agent retries');
            return fail(grpc.status.UNAVAILABLE, (err as Error).message);
          }
          return refuse('unauthenticated', grpc.status.UNAUTHENTICATED, err.message, { claimedNode });
        }
        if (closed) return;
        if (this.#deps.nodes.podCapacity(who.nodeName) === undefined) {
          return refuse(
            'unknown-node',
            grpc.status.FAILED_PRECONDITION,
            `node ${clip(who.nodeName, 64)} is not a Kubernetes Node known to the hub: an agent runs on a cluster node and names it (--node-name = spec.nodeName); it is served once the Node exists`,
            { claimedNode },
          );
        }
        const now = this.#deps.now();
        const current = this.#streams.get(who.nodeName);
        if (current && current.call !== call) {
          const silentMs = now - current.lastActivityMs;
          const takeoverMs = this.#deps.takeoverAfterMs ?? 5_000;
          if (!who.authenticated || !current.identity.authenticated || silentMs < takeoverMs) {
            return refuse(
              'node-taken',
              grpc.status.ALREADY_EXISTS,
              `node ${who.nodeName} already has a live agent stream (last heard ${silentMs} ms ago); ` +
                (who.authenticated
                  ? `a stream authenticated as the node takes over once the old one is silent for ${takeoverMs} ms`
                  : 'the node is served again once that stream ends'),
              { node: who.nodeName, subject: who.subject },
            );
          }
          log.warn(
            { node: who.nodeName, subject: who.subject, silentMs },
            'agent stream replaced: the old one went silent and the node authenticated again',
          );
          this.#streams.delete(who.nodeName);
          current.call.emit('error', {
            code: grpc.status.ABORTED,
            details: `replaced: silent for ${silentMs} ms while the node authenticated again`,
          });
        }
        identity = who;
        this.#streams.set(who.nodeName, { call, identity: who, lastActivityMs: now });
        model.connect(identity.nodeName, msg.hello.agentVersion, now);
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
      if (msg.report) {
        if (!identity) return fail(grpc.status.FAILED_PRECONDITION, 'send hello before reports');
        await this.#report(call, identity, msg.report);
      }
    };
    call.on('data', (msg: AgentMessageIn) => {
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

  async #report(call: Call, identity: AgentIdentity, report: NodeSample): Promise<void> {
    const { log, model } = this.#deps;
    const node = identity.nodeName;
    const stream = this.#streams.get(node);
    if (stream?.call !== call) return;
    const rejected = 'agent report rejected; stream closed';
    const maxPods = this.#deps.nodes.podCapacity(node);
    if (maxPods === undefined) {
      const details = `node ${node} no longer exists`;
      this.#refuse(call, 'unknown-node', grpc.status.FAILED_PRECONDITION, details, { node }, rejected);
      return;
    }
    const outOfBounds = reportOutOfBounds(report, maxPods);
    if (outOfBounds) {
      const fields = { node, pods: report.pods.length, maxPods };
      this.#refuse(call, 'report-out-of-bounds', grpc.status.INVALID_ARGUMENT, outOfBounds, fields, rejected);
      return;
    }
    const guarded = this.#guard(stream, node, report);
    if (!guarded.ok) {
      const fields = { node, reportNode: clip(report.nodeName, 64) };
      this.#refuse(
        call,
        'report-for-other-node',
        grpc.status.PERMISSION_DENIED,
        guarded.reason,
        fields,
        rejected,
      );
      return;
    }
    if (guarded.refused.length > 0) {
      log.warn(
        {
          node,
          refusedCount: guarded.refused.length,
          refused: guarded.refused.slice(0, REFUSED_PODS_LOGGED),
        },
        'refused pod reports not placed on this node',
      );
    }
    const now = this.#deps.now();
    stream.lastActivityMs = now;
    const sample = guarded.report;
    model.foldReport(sample, now);
    this.#deps.onReport?.(node, guarded.refused);
    const planned = this.#deps.planNow?.(sample);
    if (planned) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        planned,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.#deps.answerWaitMs ?? 500);
        }),
      ]);
      clearTimeout(timer);
      if (this.#streams.get(node)?.call !== call) return;
    }
    this.#write(call, this.#directive(node, report.sequence));
  }

  #guard(stream: NodeStream, node: string, report: NodeSample): GuardResult<NodeSample> {
    const version = this.#deps.placementVersion?.(node);
    if (version === undefined) return guardReport(node, report, this.#deps.placement);
    const { result, placed } = guardReportSince(node, report, this.#deps.placement, version, stream.placed);
    stream.placed = placed;
    return result;
  }

  /**
   * Sends every connected node its directive as the last pass planned it (called after each pass),
   * so an agent's next tick finds the plans computed from its previous report without waiting.
   */
  publishDirectives(): void {
    for (const [node, { call }] of this.#streams) {
      this.#write(call, this.#directive(node, this.#deps.model.node(node)?.sequence ?? 0));
    }
  }

  /**
   * The node's directive, encoded once per change of its plans or policy (the model hands out the same
   * list until a plan on the node changes): each reply only appends the report it answers.
   */
  #directive(node: string, inReplyTo: number): Buffer {
    const pods = this.#deps.model.directivesFor(node);
    const policy = this.#deps.policyFor?.(node) ?? 'ARBITRATION_POLICY_PROPORTIONAL';
    let cached = this.#encoded.get(node);
    if (cached?.pods !== pods || cached.policy !== policy) {
      // the model's shared list: encoded, never mutated
      const bytes = encodeDirectiveMessage({
        nodeName: node,
        pods,
        policy,
        tickPeriodMs: this.#deps.tickPeriodMs,
      });
      cached = { pods, policy, encode: withTrailingVarint(bytes, IN_REPLY_TO_FIELD) };
      this.#encoded.set(node, cached);
    }
    return cached.encode(inReplyTo);
  }

  /** Logs one bounded line, counts the refusal and closes the stream with the reason. */
  #refuse(
    call: Call,
    reason: AgentRefusal,
    code: grpc.status,
    details: string,
    fields: Record<string, unknown>,
    message: string,
  ): void {
    this.#deps.log.warn({ ...fields, reason, details: clip(details, 400) }, message);
    this.#deps.onRefused?.(reason);
    call.emit('error', { code, details });
  }

  #write(call: Call, msg: HubMessage | Buffer): void {
    // Replies are full snapshots: when the stream is backed up, dropping one loses nothing.
    if (call.writableNeedDrain) return;
    call.write(msg);
  }
}
