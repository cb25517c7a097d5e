// grpc-reports: the hub's real agent server (AgentServer on a grpc-js server, loopback) receiving
// NodeReports from N agent streams played by a worker thread — reports handled per second and the
// report → directive round trip, at the agents' nominal pace and saturated.
import { Worker } from 'node:worker_threads';
import { AgentServer } from '../../hub/src/agentserver/agent-server.ts';
import { startGrpcServer } from '../../hub/src/agentserver/grpc-server.ts';
import { insecureNoAuth } from '../../hub/src/auth/agent-auth.ts';
import { ClusterModel } from '../../hub/src/model/cluster-model.ts';
import { silentLogger } from '../../lib/log.ts';
import { buildFleet, type Fleet } from './fleet.ts';
import type { AgentsWorkerInput, AgentsWorkerOutput } from './grpc-agents-worker.ts';
import { type BenchResult, type Metric, metric } from './report.ts';
import { coreSharePercent, summarize } from './stats.ts';

export interface GrpcReportsOptions {
  agents: number;
  podsPerNode: number;
  /** Seconds of each phase (paced at 1 report/s per agent, then saturated). */
  phaseSeconds: number;
}

/** The fleet the hub must ingest: 5,000 nodes × 30 pods (150,000 pods), each node's agent on its own stream. */
export const GRPC_REPORTS_DEFAULTS = { agents: 5000, podsPerNode: 30, phaseSeconds: 15 } as const;
export const GRPC_REPORTS_QUICK = { agents: 5000, podsPerNode: 30, phaseSeconds: 8 } as const;

const PODS_PER_SLA = 10;
const MIB = 1024 * 1024;

interface PhaseRun {
  out: AgentsWorkerOutput;
  wallMs: number;
  serverCpuMicros: number;
}

/** Runs the agents; wall time and server-thread CPU count from all streams connected to the end. */
function runAgents(input: AgentsWorkerInput): Promise<PhaseRun> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./grpc-agents-worker.ts', import.meta.url), { workerData: input });
    let cpu0 = process.threadCpuUsage();
    let t0 = performance.now();
    worker.on('message', (msg: { type: 'started' } | ({ type: 'done' } & AgentsWorkerOutput)) => {
      if (msg.type === 'started') {
        cpu0 = process.threadCpuUsage();
        t0 = performance.now();
        return;
      }
      const cpu = process.threadCpuUsage(cpu0);
      resolve({ out: msg, wallMs: performance.now() - t0, serverCpuMicros: cpu.user + cpu.system });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** Every fleet pod gets a plan, so each directive carries its node's pods as the live hub's does. */
function planAll(model: ClusterModel, fleet: Fleet): void {
  for (const [s, pods] of fleet.slaPods.entries()) {
    for (const p of pods) {
      model.setPlan(p.uid, p.node, {
        uid: p.uid,
        namespace: p.namespace,
        name: p.name,
        container: 'app',
        desired: { cpuMilli: 500, memoryBytes: 256 * MIB },
        minimum: { cpuMilli: 100, memoryBytes: 64 * MIB },
        maximum: { cpuMilli: 4000, memoryBytes: 2048 * MIB },
        priority: 1,
        recommendOnly: false,
        sla: fleet.slaKeys[s] as string,
      });
    }
  }
}

async function phase(
  label: string,
  port: number,
  fleet: Fleet,
  paceMs: number,
  seconds: number,
): Promise<{
  metrics: Metric[];
  errors: string[];
  reportBytes: number;
  reportsPerSecond: number;
  cpuPerReportMs: number | null;
}> {
  const { out, wallMs, serverCpuMicros } = await runAgents({
    port,
    fleet,
    paceMs,
    durationMs: seconds * 1000,
  });
  const rtt = summarize(out.rttMs);
  return {
    reportBytes: out.reportBytes,
    reportsPerSecond: out.answeredInWindow / seconds,
    cpuPerReportMs: out.answered ? serverCpuMicros / 1000 / out.answered : null,
    errors: out.errors,
    metrics: [
      metric(
        `${label}: reports handled`,
        out.answeredInWindow / seconds,
        '/s',
        `${out.answered} answered of ${out.sent} sent${out.unanswered ? `, ${out.unanswered} never answered` : ''}${out.failedStreams ? `, ${out.failedStreams} streams failed` : ''}`,
      ),
      metric(
        `${label}: pods reported`,
        (out.answeredInWindow * (fleet.nodePods[0]?.length ?? 0)) / seconds,
        '/s',
      ),
      metric(`${label}: round trip p50`, rtt.p50, 'ms', 'report written → its directive read'),
      metric(`${label}: round trip p99`, rtt.p99, 'ms'),
      metric(`${label}: round trip max`, rtt.max, 'ms'),
      metric(
        `${label}: hub thread CPU`,
        coreSharePercent(serverCpuMicros, wallMs),
        '%',
        'of one core (server thread only)',
      ),
      metric(
        `${label}: agents thread CPU`,
        coreSharePercent(out.agentsCpuMicros, wallMs),
        '%',
        'of one core: the worker playing every agent (if near its share of the machine, the agents limit the rate)',
      ),
      metric(
        `${label}: hub CPU per report`,
        out.answered ? serverCpuMicros / 1000 / out.answered : null,
        'ms',
      ),
    ],
  };
}

export async function runGrpcReports(o: GrpcReportsOptions): Promise<BenchResult> {
  const started = performance.now();
  const fleet = buildFleet(o.agents, Math.ceil((o.agents * o.podsPerNode) / PODS_PER_SLA), PODS_PER_SLA);
  const placement = new Map<string, string>();
  for (const pods of fleet.nodePods) for (const p of pods) placement.set(p.uid, p.node);
  const model = new ClusterModel();
  planAll(model, fleet);
  const agentServer = new AgentServer({
    model,
    auth: insecureNoAuth(),
    placement: (uid) => placement.get(uid),
    // Every simulated node exists and can run its pods (the hub's Node informer in production).
    nodes: { podCapacity: () => Math.max(o.podsPerNode, 110) },
    isLeader: () => true,
    hubId: 'bench-hub',
    tickPeriodMs: 1000,
    now: Date.now,
    log: silentLogger(),
  });
  const server = await startGrpcServer('127.0.0.1', 0, [
    [agentServer.definition(), agentServer.handlers() as never],
  ]);
  try {
    const paced = await phase('paced 1/s', server.port, fleet, 1000, o.phaseSeconds);
    const saturated = await phase('saturated', server.port, fleet, 0, o.phaseSeconds);
    const errors = [...paced.errors, ...saturated.errors];
    return {
      name: 'grpc-reports',
      title: `hub agent server: ${o.agents} agent streams × ${fleet.nodePods[0]?.length ?? 0} pods over gRPC on loopback`,
      params: {
        agents: o.agents,
        podsPerNode: fleet.nodePods[0]?.length ?? 0,
        pods: fleet.nodePods.reduce((a, p) => a + p.length, 0),
        phaseSeconds: o.phaseSeconds,
      },
      metrics: [
        metric('NodeReport size', paced.reportBytes, 'count', 'bytes on the wire'),
        ...paced.metrics,
        ...saturated.metrics,
        metric(
          'hub reports per s',
          saturated.reportsPerSecond,
          '/s',
          `saturated, ${o.agents} agent streams × ${fleet.nodePods[0]?.length ?? 0} pods`,
        ),
        metric(
          'hub reports per s on one free core',
          saturated.cpuPerReportMs ? 1000 / saturated.cpuPerReportMs : null,
          '/s',
          'saturated: 1 s ÷ the hub thread’s CPU per report — the rate a core of its own would carry; on a shared machine the measured rate above is bounded by the CPU share the run gets',
        ),
      ],
      notes: [
        'The agents run in a worker thread of the same process (one grpc-js channel each); paced = every agent reports once a second, phases unsynchronized; saturated = each agent sends its next report as soon as its directive arrives. Server work includes guardReport, foldReport and directivesFor of the real model.',
        ...errors.map((e) => `stream error: ${e}`),
      ],
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    agentServer.closeAll('benchmark over');
    await server.stop();
  }
}
