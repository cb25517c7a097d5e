// HubLink over gRPC: one long-lived AgentHub.Connect stream (no deadline, keepalive), Hello
// first, a full NodeReport snapshot per tick; reconnects with jittered exponential backoff.
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { type BackoffOptions, backoffDelayMs } from '../../../lib/backoff.ts';
import { passingEncoded } from '../../../lib/grpc/contract-types.ts';
import { kosmosProto, PROTOCOL_VERSION } from '../../../lib/grpc/proto.ts';
import { encodeReportMessage } from '../../../lib/grpc/report-encoder.ts';
import type { Logger } from '../../../lib/log.ts';
import type { AgentHubClient } from '../../../proto/gen/kosmos/v1/AgentHub.ts';
import type { AgentMessage } from '../../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { HubMessage__Output } from '../../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeDirective__Output } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { NodeReport } from '../../../proto/gen/kosmos/v1/NodeReport.ts';
import type { HubLink, HubState } from './hub-link.ts';

export interface GrpcHubLinkOptions {
  address: string;
  nodeName: string;
  agentVersion: string;
  /** File holding the identity token (re-read on every connect: projected tokens rotate). */
  tokenFile?: string;
  credentials?: grpc.ChannelCredentials;
  backoff?: BackoffOptions;
  keepaliveMs?: number;
  log: Logger;
  now?: () => number;
  random?: () => number;
  onStateChange?: (state: HubState) => void;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

type Call = grpc.ClientDuplexStream<AgentMessage, HubMessage__Output>;
type AgentHubConstructor = ReturnType<typeof kosmosProto>['kosmos']['v1']['AgentHub'];

/** AgentHub's client with a Connect request serializer that passes pre-encoded reports through. */
function agentHubClient(): AgentHubConstructor {
  const base = kosmosProto().kosmos.v1.AgentHub;
  const connect = base.service.Connect;
  const service = {
    ...base.service,
    Connect: { ...connect, requestSerialize: passingEncoded(connect.requestSerialize) },
  };
  return grpc.makeClientConstructor(service, 'kosmos.v1.AgentHub') as unknown as AgentHubConstructor;
}

export class GrpcHubLink implements HubLink {
  readonly #o: GrpcHubLinkOptions;
  readonly #backoff: BackoffOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  #client: AgentHubClient | undefined;
  #call: Call | undefined;
  #state: HubState = 'connecting';
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #disconnectedSince: number;
  #wasAway = false;
  #reconnected = false;
  #latest: NodeDirective__Output | undefined;
  #latestTaken = true;
  #waiters = new Set<() => void>();
  #pending: NodeReport | undefined;
  #draining = false;

  constructor(options: GrpcHubLinkOptions) {
    this.#o = options;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#disconnectedSince = this.#now();
  }

  start(): void {
    const AgentHub = agentHubClient();
    const keepaliveMs = this.#o.keepaliveMs ?? 15_000;
    this.#client = new AgentHub(this.#o.address, this.#o.credentials ?? grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': keepaliveMs,
      'grpc.keepalive_timeout_ms': 5_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.initial_reconnect_backoff_ms': this.#backoff.initialMs,
      'grpc.max_reconnect_backoff_ms': this.#backoff.maxMs,
    });
    void this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#call?.cancel();
    this.#call = undefined;
    this.#client?.close();
    for (const wake of this.#waiters) wake();
  }

  state(): HubState {
    return this.#state;
  }

  disconnectedForMs(): number {
    return this.#state === 'connected' ? 0 : this.#now() - this.#disconnectedSince;
  }

  takeReconnected(): boolean {
    const r = this.#reconnected;
    this.#reconnected = false;
    return r;
  }

  send(report: NodeReport): boolean {
    const call = this.#call;
    if (!call || this.#state !== 'connected') return false;
    if (this.#draining) {
      this.#pending = report; // a newer full snapshot replaces the one waiting for 'drain'
      return true;
    }
    // the serializer passes the bytes through (agentHubClient)
    if (!call.write(encodeReportMessage(report) as AgentMessage)) {
      this.#draining = true;
      call.once('drain', () => {
        this.#draining = false;
        const next = this.#pending;
        this.#pending = undefined;
        if (next && this.#call === call) this.send(next);
      });
    }
    return true;
  }

  async takeDirective(sequence: number, timeoutMs: number): Promise<NodeDirective__Output | undefined> {
    const answered = () => !this.#latestTaken && (this.#latest?.inReplyTo ?? -1) >= sequence;
    if (!answered() && this.#state === 'connected' && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiters.delete(check);
          resolve();
        };
        const check = () => {
          if (answered() || this.#stopped || this.#state !== 'connected') done();
        };
        const timer = setTimeout(done, timeoutMs);
        this.#waiters.add(check);
      });
    }
    if (this.#latestTaken) return undefined;
    this.#latestTaken = true;
    return this.#latest;
  }

  #setState(state: HubState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#o.onStateChange?.(state);
    for (const wake of this.#waiters) wake();
  }

  async #connect(): Promise<void> {
    if (this.#stopped || !this.#client) return;
    this.#setState('connecting');
    let token = '';
    if (this.#o.tokenFile) {
      try {
        token = (await readFile(this.#o.tokenFile, 'utf8')).trim();
      } catch (err) {
        this.#o.log.warn(
          { err, tokenFile: this.#o.tokenFile },
          'hub token unreadable; connecting without it',
        );
      }
    }
    if (this.#stopped) return;
    const call = this.#client.Connect(new grpc.Metadata({ waitForReady: true }));
    this.#call = call;
    this.#draining = false;
    this.#pending = undefined;
    call.on('data', (msg: HubMessage__Output) => this.#onMessage(call, msg));
    // 'error' precedes 'status'; the listener keeps an expected stream failure from being thrown.
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => this.#onClosed(call, status));
    call.write({
      hello: {
        nodeName: this.#o.nodeName,
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: this.#o.agentVersion,
        token,
      },
    });
  }

  #onMessage(call: Call, msg: HubMessage__Output): void {
    if (call !== this.#call) return;
    if (msg.body === 'welcome' && msg.welcome) {
      this.#attempt = 0;
      if (this.#wasAway) this.#reconnected = true;
      this.#o.log.info(
        { hubId: msg.welcome.hubId, protocolVersion: msg.welcome.protocolVersion, address: this.#o.address },
        'connected to hub',
      );
      this.#setState('connected');
    } else if (msg.body === 'directive' && msg.directive) {
      this.#latest = msg.directive;
      this.#latestTaken = false;
      for (const wake of this.#waiters) wake();
    }
  }

  #onClosed(call: Call, status: grpc.StatusObject): void {
    if (call !== this.#call) return;
    this.#call = undefined;
    if (this.#state === 'connected') {
      this.#disconnectedSince = this.#now();
      this.#wasAway = true;
    }
    this.#setState('disconnected');
    if (this.#stopped) return;
    const delayMs = backoffDelayMs(this.#attempt++, this.#random(), this.#backoff);
    this.#o.log.warn(
      { code: status.code, details: status.details, retryInMs: delayMs, attempt: this.#attempt },
      'hub stream closed; keeping the last allocations (fail-static) until it is back',
    );
    this.#timer = setTimeout(() => void this.#connect(), delayMs);
  }
}
