// An in-process agent for the fault tests: the real Agent loop and its real scraper over loopback
// HTTP, with in-memory pods (bench/speed/agent-edges.ts), a hub link that decodes every report as the
// hub would (real protobuf codecs) and keeps them, and an injectable clock.

import type { PodEventWriter } from '../../agent/src/actuator/metrics-events.ts';
import { Agent } from '../../agent/src/agent.ts';
import type { MetricsScraper } from '../../agent/src/edges.ts';
import { AgentMetrics } from '../../agent/src/health/agent-metrics.ts';
import type { HubLink, HubState } from '../../agent/src/hublink/hub-link.ts';
import {
  type BenchPod,
  benchPods,
  benchSla,
  InstantResizer,
  MemoryPodSource,
  MemoryStatusWriter,
} from '../../bench/speed/agent-edges.ts';
import { kosmosProto } from '../../lib/grpc/proto.ts';
import { type Logger, silentLogger } from '../../lib/log.ts';
import type { AgentMessage__Output } from '../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { HubMessage__Output } from '../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeDirective, NodeDirective__Output } from '../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { NodeReport, NodeReport__Output } from '../../proto/gen/kosmos/v1/NodeReport.ts';

export const RIG_NODE = 'node-1';

/** The report as the hub decodes it. */
export function decoded(report: NodeReport): NodeReport__Output {
  const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;
  const msg = connect.requestDeserialize(connect.requestSerialize({ report })) as AgentMessage__Output;
  if (!msg.report) throw new Error('report lost in encoding');
  return msg.report;
}

/** The hub's side in memory: keeps every report (decoded) and answers with the test's directive. */
class RigHubLink implements HubLink {
  readonly reports: NodeReport__Output[] = [];
  #pending: NodeDirective__Output | undefined;
  readonly #directive: ((r: NodeReport__Output) => Omit<NodeDirective, 'nodeName' | 'inReplyTo'>) | undefined;
  readonly #onSend: (() => void) | undefined;
  constructor(
    directive: ((r: NodeReport__Output) => Omit<NodeDirective, 'nodeName' | 'inReplyTo'>) | undefined,
    onSend: (() => void) | undefined,
  ) {
    this.#directive = directive;
    this.#onSend = onSend;
  }
  start(): void {}
  async stop(): Promise<void> {}
  state(): HubState {
    return 'connected';
  }
  send(report: NodeReport): boolean {
    const r = decoded(report);
    this.reports.push(r);
    if (this.#directive) {
      const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;
      const d = { ...this.#directive(r), nodeName: r.nodeName, inReplyTo: r.sequence };
      const reply = connect.responseDeserialize(connect.responseSerialize({ directive: d }));
      this.#pending = (reply as HubMessage__Output).directive ?? undefined;
    }
    this.#onSend?.();
    return true;
  }
  async takeDirective(): Promise<NodeDirective__Output | undefined> {
    const d = this.#pending;
    this.#pending = undefined;
    return d;
  }
  takeReconnected(): boolean {
    return false;
  }
  disconnectedForMs(): number {
    return 0;
  }
}

export interface AgentRig {
  agent: Agent;
  pods: BenchPod[];
  metrics: AgentMetrics;
  statuses: MemoryStatusWriter;
  /** Every report sent, decoded as the hub sees it. */
  reports: NodeReport__Output[];
}

export interface AgentRigOptions {
  /** Per pod: the loopback port its /metrics answers on (all on 127.0.0.1). */
  ports: number[];
  scraper: MetricsScraper;
  metrics?: AgentMetrics;
  tickMs?: number;
  now?: () => number;
  /** Called when a report is sent (e.g. to make the tick slow by moving a fake clock). */
  onSend?: () => void;
  /** The hub's answer to each report (default: none, the agent holds). */
  directive?: (report: NodeReport__Output) => Omit<NodeDirective, 'nodeName' | 'inReplyTo'>;
  log?: Logger;
  events?: PodEventWriter;
}

export function agentRig(o: AgentRigOptions): AgentRig {
  const pods = benchPods(o.ports.length, RIG_NODE);
  pods.forEach((p, i) => {
    p.pod.status!.podIP = '127.0.0.1';
    // each pod its own port: an SLA per pod would do, one annotation-free way is a port per SLA
    p.sim.port = o.ports[i] as number;
  });
  const slas = o.ports.map((port, i) => {
    const sla = benchSla();
    sla.metadata.name = `web-${i}`;
    sla.spec.metrics = { scrape: { port, path: '/metrics', metric: 'http_request_duration_seconds' } };
    return sla;
  });
  pods.forEach((p, i) => {
    p.podScale.spec.slaRef = { name: `web-${i}` };
  });
  const podSource = new MemoryPodSource(pods, slas[0]!, { cpuMilli: 64_000, memoryBytes: 256 * 2 ** 30 });
  const snapshot = podSource.snapshot.bind(podSource);
  podSource.snapshot = async () => {
    const s = await snapshot();
    return {
      ...s,
      sla: (namespace: string, name: string) =>
        slas.find((x) => x.metadata.namespace === namespace && x.metadata.name === name),
    };
  };
  const hub = new RigHubLink(o.directive, o.onSend);
  const metrics = o.metrics ?? new AgentMetrics();
  const statuses = new MemoryStatusWriter(pods);
  const agent = new Agent({
    nodeName: RIG_NODE,
    agentVersion: 'test',
    podSource,
    usageReader: {
      sample: async (targets) =>
        targets.map((t) => ({
          key: t.key,
          status: 'ok' as const,
          usage: {
            cpuUsageMilli: 100,
            throttledRatio: 0,
            memoryWorkingSetBytes: 64 * 2 ** 20,
            windowSeconds: 1,
          },
        })),
    },
    scraper: o.scraper,
    hub,
    resizer: new InstantResizer(pods),
    statusWriter: statuses,
    ...(o.events ? { events: o.events } : {}),
    limiter: { tryTake: () => true },
    metrics,
    log: o.log ?? silentLogger(),
    settings: {
      tickMs: o.tickMs ?? 1000,
      reserve: { cpuMilli: 0, memoryBytes: 0 },
      deadband: { percent: 5, cpuMilli: 10, memoryBytes: 4 * 2 ** 20 },
      memoryLimitDecrease: 'allowed',
      directiveWaitMs: 0,
      resizeRetryMs: { initial: 1000, max: 60_000 },
    },
    ...(o.now ? { now: o.now } : {}),
  });
  return { agent, pods, metrics, statuses, reports: hub.reports };
}
