// grpc-reports: the hub's real agent server (AgentServer on a grpc-js server, loopback) receiving
// NodeReports from N agent streams played by a child process (grpc-agents.ts) — reports the hub
// answered per second of wall time and the report → directive round trip, at the agents' nominal
// pace and saturated, with the CPU of the hub's process and of the agents' process beside them.
import { fork } from 'node:child_process';
import { AgentServer } from '../../hub/src/agentserver/agent-server.ts';
import { startGrpcServer } from '../../hub/src/agentserver/grpc-server.ts';
import { insecureNoAuth } from '../../hub/src/auth/agent-auth.ts';
import { PodPlacements } from '../../hub/src/auth/pod-placements.ts';
import { policyFromSla } from '../../hub/src/control/policy.ts';
import { reportNeedsPlanNow } from '../../hub/src/loop/urgency.ts';
import { ClusterModel } from '../../hub/src/model/cluster-model.ts';
import { silentLogger } from '../../lib/log.ts';
import { buildFleet, FLEET_SLA_SPEC, type Fleet } from './fleet.ts';
import type { AgentsInput, AgentsMessage, AgentsOutput } from './grpc-agents.ts';
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
  out: AgentsOutput;
  /** Hub side, over the window the agents timed (every stream connected → deadline). */
  wallMs: number;
  /** CPU of the hub's main thread and of its whole process (GC and I/O threads too). */
  hubThreadCpuMicros: number;
  hubProcessCpuMicros: number;
  /** Reports the agent server folded into the model in the window. */
  folded: number;
}

/** Counts the reports the agent server folds (its onReport hook). */
export interface FoldCounter {
  count: number;
}

/** Runs the agents in their own process; the hub's CPU and folds count over the agents' window. */
function runAgents(input: AgentsInput, folds: FoldCounter): Promise<PhaseRun> {
  return new Promise((resolve, reject) => {
    // no inspector or profiler flags of this process: the agents are not what is profiled
    const child = fork(new URL('./grpc-agents.ts', import.meta.url), {
      serialization: 'advanced',
      execArgv: [],
    });
    let thread0 = process.threadCpuUsage();
    let process0 = process.cpuUsage();
    let t0 = performance.now();
    let folds0 = folds.count;
    let window: Omit<PhaseRun, 'out'> | undefined;
    child.on('message', (msg: AgentsMessage) => {
      if (msg.type === 'started') {
        thread0 = process.threadCpuUsage();
        process0 = process.cpuUsage();
        t0 = performance.now();
        folds0 = folds.count;
        return;
      }
      if (msg.type === 'window-over') {
        const thread = process.threadCpuUsage(thread0);
        const whole = process.cpuUsage(process0);
        window = {
          wallMs: performance.now() - t0,
          hubThreadCpuMicros: thread.user + thread.system,
          hubProcessCpuMicros: whole.user + whole.system,
          folded: folds.count - folds0,
        };
        return;
      }
      const { type: _, ...out } = msg;
      resolve({
        out,
        ...(window ?? { wallMs: Number.NaN, hubThreadCpuMicros: 0, hubProcessCpuMicros: 0, folded: 0 }),
      });
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code) reject(new Error(`agents process exited with code ${code}`));
    });
    child.send(input);
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
  folds: FoldCounter,
  paceMs: number,
  seconds: number,
): Promise<{
  metrics: Metric[];
  errors: string[];
  reportBytes: number;
  variants: number;
  reportsPerSecond: number;
  cpuPerReportMs: number | null;
  processCpuPerReportMs: number | null;
}> {
  const { out, wallMs, hubThreadCpuMicros, hubProcessCpuMicros, folded } = await runAgents(
    { port, fleet, paceMs, durationMs: seconds * 1000 },
    folds,
  );
  const rtt = summarize(out.rttMs);
  // what the hub answered inside the window, over the window's wall time as the agents timed it
  const perSecond = out.windowMs > 0 ? out.answeredInWindow / (out.windowMs / 1000) : null;
  const perReport = (cpuMicros: number) => (folded ? cpuMicros / 1000 / folded : null);
  return {
    reportBytes: out.reportBytes,
    variants: out.variants,
    reportsPerSecond: perSecond ?? 0,
    cpuPerReportMs: perReport(hubThreadCpuMicros),
    processCpuPerReportMs: perReport(hubProcessCpuMicros),
    errors: out.errors,
    metrics: [
      metric(
        `${label}: reports handled`,
        perSecond,
        '/s',
        `directives back at the agents in the window ÷ its wall time; ${out.answered} answered of ${out.sent} sent${out.unanswered ? `, ${out.unanswered} never answered` : ''}${out.failedStreams ? `, ${out.failedStreams} streams failed` : ''}`,
      ),
      metric(
        `${label}: reports folded by the hub`,
        wallMs > 0 ? folded / (wallMs / 1000) : null,
        '/s',
        `${folded} folded into the model in the window (hub side)`,
      ),
      metric(`${label}: pods reported`, (perSecond ?? 0) * (fleet.nodePods[0]?.length ?? 0), '/s'),
      metric(`${label}: round trip p50`, rtt.p50, 'ms', 'report written → its directive read'),
      metric(`${label}: round trip p99`, rtt.p99, 'ms'),
      metric(`${label}: round trip max`, rtt.max, 'ms'),
      metric(
        `${label}: hub thread CPU`,
        coreSharePercent(hubThreadCpuMicros, wallMs),
        '%',
        'of one core: the hub process’s main thread (gRPC, decode, fold, directives)',
      ),
      metric(
        `${label}: hub process CPU`,
        coreSharePercent(hubProcessCpuMicros, wallMs),
        '%',
        'of one core: the whole hub process (main thread, GC and I/O threads)',
      ),
      metric(
        `${label}: agents process CPU`,
        coreSharePercent(out.agentsCpuMicros, out.windowMs),
        '%',
        'of one core: the process playing every agent (its share of the machine is not the hub’s)',
      ),
      metric(`${label}: hub CPU per report`, perReport(hubThreadCpuMicros), 'ms', 'main thread'),
      metric(`${label}: hub process CPU per report`, perReport(hubProcessCpuMicros), 'ms'),
      metric(
        `${label}: agents CPU per report`,
        out.answeredInWindow ? out.agentsCpuMicros / 1000 / out.answeredInWindow : null,
        'ms',
      ),
    ],
  };
}

export async function runGrpcReports(o: GrpcReportsOptions): Promise<BenchResult> {
  const started = performance.now();
  const fleet = buildFleet(o.agents, Math.ceil((o.agents * o.podsPerNode) / PODS_PER_SLA), PODS_PER_SLA);
  // the hub's pod informer's index (hub.ts)
  const placement = new PodPlacements();
  for (const pods of fleet.nodePods) for (const p of pods) placement.place(p.uid, p.node);
  const model = new ClusterModel();
  planAll(model, fleet);
  const folds: FoldCounter = { count: 0 };
  // the live hub's check of each report for a pod that cannot wait for the next pass (no pass runs here)
  const recommender = policyFromSla(FLEET_SLA_SPEC).policy?.recommender;
  if (!recommender) throw new Error('bench SLA invalid');
  let urgent = 0;
  const agentServer = new AgentServer({
    model,
    auth: insecureNoAuth(),
    placement: placement.nodeOf,
    placementVersion: placement.version,
    // Every simulated node exists and can run its pods (the hub's Node informer in production).
    nodes: { podCapacity: () => Math.max(o.podsPerNode, 110) },
    isLeader: () => true,
    hubId: 'bench-hub',
    tickPeriodMs: 1000,
    now: Date.now,
    log: silentLogger(),
    onReport: () => {
      folds.count++;
    },
    planNow: (sample) => {
      if (reportNeedsPlanNow(sample, model, () => recommender)) urgent++;
      return undefined;
    },
  });
  const server = await startGrpcServer('127.0.0.1', 0, [
    [agentServer.definition(), agentServer.handlers() as never],
  ]);
  try {
    const paced = await phase('paced 1/s', server.port, fleet, folds, 1000, o.phaseSeconds);
    const saturated = await phase('saturated', server.port, fleet, folds, 0, o.phaseSeconds);
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
          `measured: reports the hub answered in the window ÷ its wall time, saturated, ${o.agents} agent streams × ${fleet.nodePods[0]?.length ?? 0} pods, agents in their own process on the same machine`,
        ),
        metric(
          'hub reports per s on one free core',
          saturated.processCpuPerReportMs ? 1000 / saturated.processCpuPerReportMs : null,
          '/s',
          'computed, not measured: 1 s ÷ the hub process’s CPU per report (saturated) — the rate a core of its own would carry; the measured rate above is bounded by the CPU share the hub gets beside the agents’ process',
        ),
      ],
      notes: [
        `The agents run in a child process (grpc-agents.ts): one HTTP/2 connection and AgentHub.Connect stream each, gRPC framed by hand, reports pre-encoded in ${paced.variants} variants per node with their own load figures and cycled, so every report is decoded and folded anew; paced = every agent reports once a second, phases unsynchronized; saturated = each agent sends its next report as soon as its directive arrives. Hub work is the real grpc-js server and AgentServer: decode, bounds, guardReport, foldReport, the urgent-report check (${urgent} reports had an urgent pod; answered at once, no pass runs here), directive.`,
        ...errors.map((e) => `stream error: ${e}`),
      ],
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    agentServer.closeAll('benchmark over');
    await server.stop();
  }
}
