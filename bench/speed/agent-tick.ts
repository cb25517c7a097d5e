// agent-tick: the real Agent.runOnce() at 110 pods on one node — cgroup reader over a simulated
// tmpfs cgroup tree, real /metrics scrapes and histogram windows, NodeReport encoding, arbitration,
// resize planning — with the simulated node in a child process so only agent work is measured.
import { Writable } from 'node:stream';
import { Agent } from '../../agent/src/agent.ts';
import { AgentMetrics } from '../../agent/src/health/agent-metrics.ts';
import { lazyCgroupReader, windowedScraper } from '../../agent/src/start.ts';
import { createLogger } from '../../lib/log.ts';
import { sleepMs } from '../../lib/rate-limit.ts';
import { createTempCgroupRoot } from '../../sim/node/cgroup-root.ts';
import {
  benchPods,
  benchSla,
  InstantResizer,
  LoopbackHubLink,
  MemoryPodSource,
  MemoryStatusWriter,
} from './agent-edges.ts';
import { retainedMemory } from './gc.ts';
import { startNodeSimProcess } from './node-sim-process.ts';
import { type BenchResult, metric } from './report.ts';
import { coreSharePercent, mib, summarize } from './stats.ts';

export interface AgentTickOptions {
  pods: number;
  ticks: number;
  warmupTicks: number;
  /** Real time between tick starts (the cgroup and histogram windows span it). */
  paceMs: number;
}

export const AGENT_TICK_DEFAULTS = { pods: 110, ticks: 100, warmupTicks: 10, paceMs: 200 } as const;
export const AGENT_TICK_QUICK = { pods: 110, ticks: 50, warmupTicks: 5, paceMs: 150 } as const;

const NODE = 'bench-node';
/** Every pod's desired CPU moves up on one tick in 20 and back on the next: ~10 % resize per tick. */
const CHANGE_EVERY = 20;

async function stepMeansMs(metrics: AgentMetrics): Promise<Record<string, number>> {
  const data = await metrics.stepSeconds.get();
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const v of data.values) {
    const step = String(v.labels['step'] ?? '');
    if (v.metricName?.endsWith('_sum')) sums.set(step, v.value);
    if (v.metricName?.endsWith('_count')) counts.set(step, v.value);
  }
  const out: Record<string, number> = {};
  for (const [step, sum] of sums) out[step] = (1000 * sum) / Math.max(1, counts.get(step) ?? 1);
  return out;
}

export async function runAgentTick(o: AgentTickOptions): Promise<BenchResult> {
  const started = performance.now();
  const root = await createTempCgroupRoot('kosmos-bench-agent-');
  const pods = benchPods(o.pods, NODE);
  const sim = await startNodeSimProcess(
    root.path,
    pods.map((p) => p.sim),
  );
  let logBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logBytes += chunk.byteLength;
      cb();
    },
  });
  const log = createLogger({ level: 'info', destination: sink }).child({ component: 'agent', node: NODE });
  const metrics = new AgentMetrics();
  const hub = new LoopbackHubLink(CHANGE_EVERY);
  const resizer = new InstantResizer(pods);
  const statusWriter = new MemoryStatusWriter(pods);
  const agent = new Agent({
    nodeName: NODE,
    agentVersion: 'bench',
    podSource: new MemoryPodSource(pods, benchSla(), { cpuMilli: 64_000, memoryBytes: 256 * 1024 ** 3 }),
    usageReader: lazyCgroupReader(root.path, log.child({ component: 'cgroup' })),
    scraper: windowedScraper(log.child({ component: 'scraper' })),
    hub,
    resizer,
    statusWriter,
    limiter: { tryTake: () => true },
    metrics,
    log,
    settings: {
      tickMs: 1000,
      reserve: { cpuMilli: 0, memoryBytes: 0 },
      deadband: { percent: 5, cpuMilli: 10, memoryBytes: 4 * 1024 * 1024 },
      memoryLimitDecrease: 'allowed',
      directiveWaitMs: 250,
      resizeRetryMs: { initial: 1000, max: 60_000 },
    },
  });

  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let resizesBefore = 0;
  let statusBefore = 0;
  let logBefore = 0;
  let memBefore = retainedMemory();
  let failedScrapes = 0;
  try {
    for (let i = 0; i < o.warmupTicks + o.ticks; i++) {
      const tickStart = performance.now();
      await sim.advance(o.paceMs / 1000);
      if (i === o.warmupTicks) {
        resizesBefore = resizer.count;
        statusBefore = statusWriter.writes;
        logBefore = logBytes;
        memBefore = retainedMemory();
      }
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const summary = await agent.runOnce();
      const t1 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      if (i >= o.warmupTicks) {
        wallMs.push(t1 - t0);
        cpuMs.push((cpu.user + cpu.system) / 1000);
        if (summary.tracked !== o.pods) failedScrapes++;
      }
      const rest = o.paceMs - (performance.now() - tickStart);
      if (rest > 0) await sleepMs(rest);
    }
  } finally {
    await sim.close();
    await root.remove();
  }
  const memAfter = retainedMemory();
  const steps = await stepMeansMs(metrics);
  const wall = summarize(wallMs);
  const cpu = summarize(cpuMs);
  const ticks = wallMs.length;
  const notes = [
    'Pod source, resizer and status writer are in memory (no API server); report and directive go through the real protobuf codecs; the simulated node (cgroup writes, 110 /metrics servers) runs in a child process and is not counted; it changes the cgroup files in place, as the kernel does, so the agent reads them through its kept-open descriptors (a pread each, plus an fstat on a tree of ordinary files).',
  ];
  if (failedScrapes > 0) notes.push(`${failedScrapes} ticks tracked fewer pods than expected`);
  return {
    name: 'agent-tick',
    title: `agent per-tick work at ${o.pods} pods on one node`,
    params: { pods: o.pods, ticks, warmupTicks: o.warmupTicks, paceMs: o.paceMs },
    metrics: [
      metric('tick wall p50', wall.p50, 'ms'),
      metric('tick wall p95', wall.p95, 'ms'),
      metric('tick wall max', wall.max, 'ms'),
      metric('tick CPU mean', cpu.mean, 'ms', 'user+system of the process per tick'),
      metric('tick CPU p95', cpu.p95, 'ms'),
      metric('CPU share at a 1 s tick', coreSharePercent(cpu.mean * 1000, 1000), '%', 'of one core'),
      metric(
        'step cgroup_read mean',
        steps['cgroup_read'] ?? null,
        'ms',
        `${o.pods} pods × cpu.stat, memory.current, memory.stat, cpu.pressure`,
      ),
      metric(
        'step scrape mean',
        steps['scrape'] ?? null,
        'ms',
        `${o.pods} HTTP GETs on loopback, 16 at a time`,
      ),
      metric('step report mean', steps['report'] ?? null, 'ms', 'NodeReport build + protobuf encode'),
      metric('step arbitrate mean', steps['arbitrate'] ?? null, 'ms'),
      metric(
        'step resize mean',
        steps['enact'] ?? null,
        'ms',
        'plans for every pod, patches the changed ones',
      ),
      metric('resizes per tick', (resizer.count - resizesBefore) / ticks, 'count'),
      metric('PodScale status writes per tick', (statusWriter.writes - statusBefore) / ticks, 'count'),
      metric('NodeReport size', hub.reportBytes, 'count', 'bytes on the wire'),
      metric('log output per tick', (logBytes - logBefore) / ticks / 1024, 'count', 'KiB at level info'),
      metric('RSS at end', mib(memAfter.rssBytes), 'MiB', 'whole benchmark process, after a full GC'),
      metric('RSS growth over measured ticks', mib(memAfter.rssBytes - memBefore.rssBytes), 'MiB'),
      metric('heap retained at end', mib(memAfter.heapUsedBytes), 'MiB', 'heap used after a full GC'),
      metric(
        'off-heap (external) at end',
        mib(memAfter.externalBytes),
        'MiB',
        'Buffers and native memory V8 tracks',
      ),
      metric(
        'heap retained growth',
        mib(memAfter.heapUsedBytes - memBefore.heapUsedBytes),
        'MiB',
        'over the measured ticks; ~0 = no leak',
      ),
    ],
    notes,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
