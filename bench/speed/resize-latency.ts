// resize-latency: the real hub (in process) and the real agent (child process, so its CPU and
// memory are its own) on the embedded cluster with one 64-core node of 110 simulated pods: agent
// CPU/RSS, log bytes, API writes per pod per minute and desired reversals in steady state, then load
// steps on single pods timed to PodScale desired raised → pod spec resized (agent's PATCH) →
// containerStatuses enacted.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { parseHubConfig } from '../../hub/src/config.ts';
import { type RunningHub, startHub } from '../../hub/src/hub.ts';
import { RECOMMENDER_DEFAULTS } from '../../hub/src/recommender/defaults.ts';
import { GROUP, PODSCALE_PLURAL, type PodScale, SLA_PLURAL, VERSION } from '../../lib/api/types.ts';
import { kubeClients } from '../../lib/kube.ts';
import { silentLogger } from '../../lib/log.ts';
import { parseCpuMilli } from '../../lib/quantity.ts';
import { sleepMs } from '../../lib/rate-limit.ts';
import { type ApiServer, type KObject, startApiServer } from '../../packages/apiserver/index.ts';
import { createTempCgroupRoot } from '../../sim/node/cgroup-root.ts';
import { loopbackAddress } from '../../sim/node/metrics-endpoint.ts';
import { benchSla, SCRAPE_PORT } from './agent-edges.ts';
import { ClusterDriver, enactedCpuOf } from './cluster-driver.ts';
import { NodeSim } from './node-sim.ts';
import { processCpuSeconds, processRssBytes } from './proc-stats.ts';
import { type BenchResult, type Metric, metric } from './report.ts';
import { reversalsWithin, type Sample } from './reversals.ts';
import { coreSharePercent, mib, summarize } from './stats.ts';

export interface ResizeLatencyOptions {
  pods: number;
  /** Seconds of steady state over which agent CPU/RSS and API writes are measured. */
  steadySeconds: number;
  steps: number;
  /** The embedded kubelet's delay from admitting a resize to enacting it. */
  resizeDelayMs: number;
  /**
   * The agent's node arguments before its flags: bench/run.ts passes the image's (V8 limits and the
   * bundle); default agent/src/main.ts through type stripping.
   */
  agentEntry?: string[];
  /** The agent's whole environment (bench/run.ts passes the image's); default this process's. */
  agentEnv?: Record<string, string>;
  /** Where the agent's log goes too (it is always counted; default: not kept). */
  agentLog?: string;
}

export const RESIZE_LATENCY_DEFAULTS = {
  pods: 110,
  steadySeconds: 20,
  steps: 10,
  resizeDelayMs: 100,
} as const;
export const RESIZE_LATENCY_QUICK = { pods: 110, steadySeconds: 15, steps: 10, resizeDelayMs: 100 } as const;

const ROOT = path.resolve(new URL('../../', import.meta.url).pathname);
const NODE = 'node-1';
const NS = 'default';
const PORT = SCRAPE_PORT;
/** 100 requests per window per pod at 2 ms of CPU each: 200m of demand, ~27 of the node's 64 cores in all. */
const BASE_RPS = 100;
const COST_MILLI_SECONDS = 2;
const STEP_FACTOR = 3;
/** A load step not answered (enacted) within this long is reported as failed. */
const STEP_TIMEOUT_MS = 15_000;
/** A desired change undone within this long counts as a reversal. */
const REVERSAL_WINDOW_MS = 10_000;

async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs: number,
  everyMs = 20,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const v = probe();
    if (v !== undefined) return v;
    await sleepMs(everyMs);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs)} ms waiting for ${what}`);
}

function manifests(pods: number) {
  const res = { cpu: '500m', memory: '256Mi' };
  return {
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: pods,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'app', image: 'bench:1', resources: { requests: res, limits: res } }],
          },
        },
      },
    },
    // replicas pinned: this benchmark times the vertical path
    sla: benchSla(NS, { min: pods, max: pods }),
  };
}

interface Cluster {
  api: ApiServer;
  hub: RunningHub;
  agent: ChildProcess;
  /** Bytes the agent has written to stdout (its log) so far. */
  agentLogBytes(): number;
  driver: ClusterDriver;
  sim: NodeSim;
  stop(): Promise<void>;
}

async function startCluster(o: ResizeLatencyOptions): Promise<Cluster> {
  const ips = new Map<string, string>();
  const api = await startApiServer({
    crdDir: path.join(ROOT, 'deploy/crds'),
    nodes: [{ name: NODE, cpu: '64', memory: '256Gi' }],
    podStartDelayMs: 20,
    resizeDelayMs: o.resizeDelayMs,
    podIp: (pod) => {
      const uid = pod.metadata.uid as string;
      if (!ips.has(uid)) ips.set(uid, loopbackAddress(ips.size));
      return ips.get(uid);
    },
  });
  const root = await createTempCgroupRoot('kosmos-bench-cluster-');
  const sim = await NodeSim.create(root.path);
  const driver = new ClusterDriver({
    api,
    sim,
    node: NODE,
    namespace: NS,
    container: 'app',
    port: PORT,
    rpsOf: () => BASE_RPS,
    costMilliSeconds: COST_MILLI_SECONDS,
    stepMs: 250,
  });
  const clients = kubeClients(api.kubeConfig());
  const m = manifests(o.pods);
  await clients.apps.createNamespacedDeployment({ namespace: NS, body: m.deployment });
  driver.start();
  await waitFor(
    `${o.pods} pods simulated`,
    () => (driver.pods().filter((p) => p.status?.podIP).length >= o.pods ? true : undefined),
    60_000,
    100,
  );
  const hub = await startHub({
    config: parseHubConfig([
      '--grpc-port=0',
      '--status-port=0',
      '--metrics-port=0',
      '--bind-address=127.0.0.1',
      '--period=1s',
      '--identity=bench-hub',
      '--agent-auth=insecure-none',
    ]),
    log: silentLogger(),
    kc: api.kubeConfig(),
    syncTimeoutMs: 20_000,
  });
  const agent = spawn(
    process.execPath,
    [
      ...(o.agentEntry ?? [path.join(ROOT, 'agent/src/main.ts')]),
      `--node-name=${NODE}`,
      `--hub-address=127.0.0.1:${hub.grpcPort}`,
      `--kube-server=${api.url}`,
      `--cgroup-root=${root.path}`,
      '--tick=1s',
      '--health-port=0',
      '--bind-address=127.0.0.1',
      '--log-level=info',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], ...(o.agentEnv ? { env: o.agentEnv } : {}) },
  );
  let logBytes = 0;
  const logFile: WriteStream | undefined = o.agentLog ? createWriteStream(o.agentLog) : undefined;
  agent.stdout?.on('data', (chunk: Buffer) => {
    logBytes += chunk.byteLength;
    logFile?.write(chunk);
  });
  await clients.custom.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NS,
    plural: SLA_PLURAL,
    body: m.sla,
  });
  return {
    api,
    hub,
    agent,
    agentLogBytes: () => logBytes,
    driver,
    sim,
    stop: async () => {
      const exited = new Promise((r) => agent.once('exit', r));
      if (agent.exitCode === null) agent.kill('SIGTERM');
      await Promise.race([exited, sleepMs(5000)]);
      if (agent.exitCode === null) agent.kill('SIGKILL');
      await hub.stop();
      await driver.stop();
      await sim.close();
      await api.stop();
      await root.remove();
      logFile?.end();
    },
  };
}

/** How the agent was started, for the results: its V8 flags and the entry's file name. */
function agentCommand(entry: readonly string[] | undefined): string {
  if (!entry) return 'agent/src/main.ts (type stripping)';
  return entry.map((a) => (a.startsWith('-') ? a : `${path.basename(a)} (bundled)`)).join(' ');
}

/** The agent's environment for the results, without PATH and HOME. */
function envText(env: Record<string, string>): string {
  return Object.entries(env)
    .filter(([k]) => k !== 'PATH' && k !== 'HOME')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function podScales(api: ApiServer): PodScale[] {
  return api.api.list(api.resource(GROUP, PODSCALE_PLURAL), {
    namespace: NS,
    labels: [],
    fields: [],
  }) as unknown as PodScale[];
}

const desiredCpu = (ps: PodScale | undefined) =>
  ps?.spec.desired.cpu ? parseCpuMilli(ps.spec.desired.cpu) : undefined;
const specCpu = (pod: KObject | undefined) => {
  const c = (pod?.spec?.containers ?? []).find((x: { name: string }) => x.name === 'app');
  const cpu = c?.resources?.limits?.cpu ?? c?.resources?.requests?.cpu;
  return cpu === undefined ? undefined : parseCpuMilli(cpu);
};

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

function writesBetween(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, n] of after) {
    if (!WRITE_VERBS.has(key.split(' ')[0] ?? '')) continue;
    const delta = n - (before.get(key) ?? 0);
    if (delta > 0) out.set(key, delta);
  }
  return out;
}

/**
 * Waits until the agent reports every pod with a response time, then for at least `minSeconds` (the
 * first shrink comes only after the law's shrink hold), then until neither a PodScale's desired nor a
 * pod's own size has moved for `quietSeconds`: desired is written at most once a minute in steady
 * state while the directives carry every decision, so pods can still be resizing under a quiet desired.
 */
async function settle(
  c: Cluster,
  pods: number,
  quietSeconds: number,
  minSeconds: number,
  maxSeconds: number,
): Promise<number> {
  const t0 = performance.now();
  await waitFor(
    `the agent reporting ${pods} pods with response times`,
    () =>
      c.hub.model.observations().filter((obs) => obs.sample.responseTime?.valid).length >= pods
        ? true
        : undefined,
    90_000,
    200,
  );
  let last = '';
  let quietSince = performance.now();
  const earliest = performance.now() + minSeconds * 1000;
  const deadline = performance.now() + maxSeconds * 1000;
  while (
    performance.now() < deadline &&
    (performance.now() < earliest || performance.now() - quietSince < quietSeconds * 1000)
  ) {
    const sizes = (
      c.api.api.list(c.api.resource('', 'pods'), { namespace: NS, labels: [], fields: [] }) as KObject[]
    ).map((pod) => `${pod.metadata?.name}:${specCpu(pod)}`);
    const fingerprint = podScales(c.api)
      .map((ps) => `${ps.metadata.name}=${ps.spec.desired.cpu}`)
      .concat(sizes)
      .sort()
      .join(',');
    if (fingerprint !== last) {
      last = fingerprint;
      quietSince = performance.now();
    }
    await sleepMs(250);
  }
  return (performance.now() - t0) / 1000;
}

interface StepTiming {
  requestedMs: number;
  patchedMs: number;
  enactedMs: number;
  fromCpuMilli: number;
  toCpuMilli: number;
}

/** Multiplies one pod's load and times the three stages of the answer. */
async function loadStep(c: Cluster, candidate: KObject): Promise<StepTiming> {
  const uid = candidate.metadata.uid as string;
  const name = candidate.metadata.name as string;
  const pods = c.api.resource('', 'pods');
  // the pod as it is now: it may have been resized since the candidates were listed
  const pod = c.api.api.tryGet(pods, NS, name) ?? candidate;
  const scaleOf = () => podScales(c.api).find((ps) => ps.spec.podRef.uid === uid);
  const fromDesired = desiredCpu(scaleOf()) ?? 0;
  const fromSpec = specCpu(pod) ?? 0;
  const fromEnacted = enactedCpuOf(pod, 'app') ?? 0;
  const rps = c.sim.pod(uid)?.rps ?? BASE_RPS;
  const t0 = performance.now();
  c.sim.update(uid, { rps: rps * STEP_FACTOR });
  const since = () => performance.now() - t0;
  const left = () => Math.max(1, STEP_TIMEOUT_MS - since());
  const toCpuMilli = await waitFor(
    'PodScale desired raised',
    () => {
      const d = desiredCpu(scaleOf());
      return d !== undefined && d > fromDesired ? d : undefined;
    },
    left(),
  );
  const requestedMs = since();
  await waitFor(
    'pod resized in spec',
    () => ((specCpu(c.api.api.tryGet(pods, NS, name)) ?? 0) > fromSpec ? true : undefined),
    left(),
  );
  const patchedMs = since();
  await waitFor(
    'resize enacted',
    () => {
      const p = c.api.api.tryGet(pods, NS, name);
      return p && (enactedCpuOf(p, 'app') ?? 0) > fromEnacted ? true : undefined;
    },
    left(),
  );
  return { requestedMs, patchedMs, enactedMs: since(), fromCpuMilli: fromEnacted, toCpuMilli };
}

export async function runResizeLatency(o: ResizeLatencyOptions): Promise<BenchResult> {
  const started = performance.now();
  const c = await startCluster(o);
  const notes: string[] = [];
  try {
    // past the shrink hold from the pods' start size, and a few evidence windows more
    const settleSeconds = await settle(c, o.pods, 5, RECOMMENDER_DEFAULTS.tuning.shrinkHoldSeconds + 15, 120);
    const pid = c.agent.pid as number;
    const cpu0 = await processCpuSeconds(pid);
    const counts0 = c.api.requestCounts();
    const log0 = c.agentLogBytes();
    const rss: number[] = [];
    const desired: Sample[] = [];
    const t0 = performance.now();
    let nextRss = t0 + 1000;
    while (performance.now() - t0 < o.steadySeconds * 1000) {
      await sleepMs(250);
      const at = performance.now();
      for (const ps of podScales(c.api)) {
        const cpu = desiredCpu(ps);
        if (cpu !== undefined) desired.push({ key: ps.metadata.name ?? '', atMs: at, value: cpu });
      }
      if (at >= nextRss) {
        rss.push(await processRssBytes(pid));
        nextRss += 1000;
      }
    }
    const wallMs = performance.now() - t0;
    const cpuSeconds = (await processCpuSeconds(pid)) - cpu0;
    const logBytesPerSecond = ((c.agentLogBytes() - log0) * 1000) / wallMs;
    const reversals = reversalsWithin(desired, REVERSAL_WINDOW_MS);
    const writes = writesBetween(counts0, c.api.requestCounts());
    const totalWrites = [...writes.values()].reduce((a, b) => a + b, 0);
    const perPodPerMinute = (n: number) => (n / o.pods) * (60_000 / wallMs);
    const byKind = [...writes.entries()].sort((a, b) => b[1] - a[1]);

    const steps: StepTiming[] = [];
    let failedSteps = 0;
    const candidates = c.driver.pods();
    for (let i = 0; i < o.steps; i++) {
      const pod = candidates[Math.floor(((i + 0.5) * candidates.length) / o.steps)];
      if (!pod) break;
      try {
        steps.push(await loadStep(c, pod));
      } catch (err) {
        failedSteps++;
        notes.push(`load step ${i + 1} failed: ${(err as Error).message}`);
      }
    }
    const requested = summarize(steps.map((s) => s.requestedMs));
    const patched = summarize(steps.map((s) => s.patchedMs));
    const enacted = summarize(steps.map((s) => s.enactedMs));
    const rssSummary = summarize(rss);
    // a step not enacted in time counts at the time limit, so failures raise the percentiles
    const latency = summarize([
      ...steps.map((s) => s.enactedMs),
      ...Array.from({ length: failedSteps }, () => STEP_TIMEOUT_MS),
    ]);
    const latencyNote = `${steps.length + failedSteps} steps${failedSteps ? `, ${failedSteps} not enacted in ${STEP_TIMEOUT_MS / 1000} s (counted at ${STEP_TIMEOUT_MS / 1000} s)` : ''}`;
    const stepMetrics: Metric[] = steps.length
      ? [
          metric('load step → PodScale desired raised p50', requested.p50, 'ms', 'hub decided (1 s period)'),
          metric('load step → PodScale desired raised max', requested.max, 'ms'),
          metric(
            'load step → pod resize requested p50',
            patched.p50,
            'ms',
            "agent's PATCH pods/resize seen in spec",
          ),
          metric('load step → pod resize requested max', patched.max, 'ms'),
          metric(
            'load step → resize enacted p50',
            enacted.p50,
            'ms',
            `containerStatuses[].resources (kubelet delay ${o.resizeDelayMs} ms)`,
          ),
          metric('load step → resize enacted max', enacted.max, 'ms'),
          metric(
            'CPU after the step / before',
            summarize(steps.map((s) => s.toCpuMilli / Math.max(1, s.fromCpuMilli))).p50,
            'ratio',
            `load ×${STEP_FACTOR} on one pod`,
          ),
        ]
      : [];
    if (steps.length)
      notes.push(
        `load step → enacted, each step in order (ms): ${steps.map((s) => Math.round(s.enactedMs)).join(', ')}`,
      );
    notes.push(
      `steady state: API writes by kind over ${(wallMs / 1000).toFixed(0)} s: ${byKind.map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
      `Hub, embedded API server and simulated node share the benchmark process; the agent is a child process (${o.agentEntry ? "the image's: this tree bundled by build.ts, under the V8 limits of dist/agent.node-options, with the environment of dist/agent.env and the Dockerfile's ENV only" : 'agent/src/main.ts through type stripping, no V8 limits'}; log level info, stdout counted), measured from /proc; the simulated node changes the cgroup files in place, as the kernel does, so the agent reads them through its kept-open descriptors.`,
    );
    return {
      name: 'resize-latency',
      title: `end to end on the embedded cluster: ${o.pods} pods on one node, real hub and agent`,
      params: {
        pods: o.pods,
        agent: agentCommand(o.agentEntry),
        ...(o.agentEnv ? { agentEnv: envText(o.agentEnv) } : {}),
        hubPeriod: '1s',
        agentTick: '1s',
        resizeDelayMs: o.resizeDelayMs,
        steadySeconds: o.steadySeconds,
        steps: steps.length,
        settleSeconds: Math.round(settleSeconds),
      },
      metrics: [
        ...stepMetrics,
        metric('resize latency p50 s', latency.p50 / 1000, 's', `load step ×3 → enacted; ${latencyNote}`),
        metric('resize latency p90 s', latency.p90 / 1000, 's', latencyNote),
        metric(
          'api writes per pod per minute',
          perPodPerMinute(totalWrites),
          'count',
          'steady state, hub + agent, all write verbs',
        ),
        // every write kind, so a kind that creeps back shows by name
        ...byKind.map(([k, n]) => metric(`  ${k}`, perPodPerMinute(n), 'count', 'per pod per minute')),
        metric(
          'desired reversals within 10 s %',
          reversals.percent,
          '%',
          `${reversals.reversals} of ${reversals.changes} PodScale desired CPU changes (sampled every 250 ms)`,
        ),
        metric(
          'agent cpu % of one core',
          coreSharePercent(cpuSeconds * 1e6, wallMs),
          '%',
          `whole process at ${o.pods} pods, 1 s tick`,
        ),
        metric('agent rss p95 MiB', mib(rssSummary.p95), 'MiB', `${rss.length} samples, 1 s apart`),
        metric('agent process RSS mean', mib(rssSummary.mean), 'MiB'),
        metric('agent process RSS max', mib(rssSummary.max), 'MiB'),
        metric('agent log bytes per s', logBytesPerSecond, '/s', 'stdout at log level info'),
      ],
      notes,
      wallSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await c.stop();
  }
}
