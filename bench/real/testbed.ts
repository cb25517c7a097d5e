// One run of the real-process benchmark: a fresh embedded cluster of two real nodes (600m each, 1.2
// cores for the whole run), the service's pods as real processes in real cgroups, HAProxy in front
// (weights from the hub for kosmos, an equal split otherwise and for kosmos-equal-split), the
// contender controlling it, and an open-loop load generator on its own thread measuring latency at
// the client. Samples quotas, CPU used, replicas and API writes every second; measures the hub's and
// agents' CPU and RSS.
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { HaproxyRuntime } from '../../hub/src/balancer/haproxy-runtime.ts';
import { KubePodAddresses } from '../../hub/src/balancer/pod-addresses.ts';
import {
  HubStatusWeightSource,
  type PodWeight,
  type WeightSource,
} from '../../hub/src/balancer/weight-source.ts';
import { WeightSyncer } from '../../hub/src/balancer/weight-syncer.ts';
import { GROUP, SLA_PLURAL, VERSION } from '../../lib/api/types.ts';
import { kubeClients } from '../../lib/kube.ts';
import type { Logger } from '../../lib/log.ts';
import type { KObject } from '../../packages/apiserver/index.ts';
import { type ClientFigures, clientFigures } from '../../sim/load/client-figures.ts';
import { startHaproxy } from '../../sim/load/haproxy.ts';
import type { RequestRecord } from '../../sim/load/open-loop.ts';
import { runOpenLoopInWorker } from '../../sim/load/open-loop-worker.ts';
import { podCgroupReadings } from '../../sim/node/real/pod-readings.ts';
import { type RealCluster, startRealCluster } from '../../sim/node/real/real-cluster.ts';
import { startHpaDriver } from './hpa-driver.ts';
import { type HubView, readHubView } from './hub-view.ts';
import { type KosmosProcesses, startKosmosProcesses } from './kosmos-processes.ts';
import type { RealWorkload } from './workloads.ts';
import { changedPaths, type WriteRecord, writesByKind, writtenPart } from './write-log.ts';

/** What a run without --contenders plays. */
export const DEFAULT_REAL_CONTENDERS = ['kosmos', 'hpa-burstable', 'hpa-guaranteed', 'static'] as const;
/** kosmos-equal-split, on request: kosmos behind HAProxy's equal split instead of the hub's weights. */
export const REAL_CONTENDERS = [...DEFAULT_REAL_CONTENDERS, 'kosmos-equal-split'] as const;
export type RealContender = (typeof REAL_CONTENDERS)[number];

const NS = 'bench';
const NODES = [
  { name: 'node-1', cpu: '600m', memory: '4Gi' },
  { name: 'node-2', cpu: '600m', memory: '4Gi' },
];
const TOTAL_CPU_MILLI = 1200;
const MAX_REPLICAS = 4;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export interface SecondSample {
  t: number;
  offeredRps: number;
  /** Σ enacted CFS quota of the service's running pods, milli-cores. */
  allocatedMilli: number;
  usedMilli: number;
  replicas: number;
  /** The service's running pods that second. */
  pods: number;
  /** HAProxy's backend that second: sessions open to the pods and requests queued in HAProxy. */
  balancer?: { sessions: number; queued: number };
  /** kosmos only: what the hub's /metrics said that second (scraped RT, usage, desired, enacted, capped). */
  hub?: HubView;
}

export interface ProcessFootprint {
  name: string;
  cpuPercentOfCore: number;
  maxRssMiB: number;
}

export interface JobResult {
  workload: string;
  contender: RealContender;
  durationSeconds: number;
  /** Seconds of load at the workload's first rate before the measured run (not counted). */
  warmupSeconds: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  client: Omit<ClientFigures, 'windows'> & {
    windows: { startSeconds: number; p95Ms: number; violated: boolean }[];
  };
  coreSecondsAllocated: number;
  coreSecondsUsed: number;
  resizes: number;
  replicaChanges: number;
  apiWritesPerPodPerMinute: number;
  /** Writes counted above, by "verb resource[/subresource]", most first. */
  apiWritesByKind: Record<string, number>;
  /** Σ over samples of the service's running pods (the denominator of the rate above). */
  podSeconds: number;
  /**
   * The same over the run's steady phase: from `settleSeconds` after the workload's last load change
   * to the end. Undefined, with `why`, when the run has no such phase (a trace's rate moves to the end).
   */
  steady: SteadyWrites | { why: string };
  /** Per kind, the writes of the whole run and how many changed each field (what each write carried). */
  apiWritesChanged: ReturnType<typeof writesByKind>;
  /** Every write of the run (the warm-up too, at negative t), with what it changed. */
  writeLog: WriteRecord[];
  processes: ProcessFootprint[];
  seconds: SecondSample[];
  /**
   * Client p95 per 5 s, ms, for the charts; with the generator's worst send lag in those 5 s (how
   * late its thread sent a request) to tell a client stall from a slow service.
   */
  p95Per5s: { t: number; p95Ms: number; maxSendLagMs: number }[];
}

export interface SteadyWrites {
  fromSeconds: number;
  toSeconds: number;
  podSeconds: number;
  writes: number;
  apiWritesPerPodPerMinute: number;
  apiWritesByKind: ReturnType<typeof writesByKind>;
}

/** Seconds after a load change before a run counts as steady: the growth, its resizes and statuses. */
export const SETTLE_SECONDS = 20;
/** A steady phase shorter than this measures too few writes to say anything. */
const MIN_STEADY_SECONDS = 15;

/** The group of each resource the testbed's writers write (to read the written object back). */
const GROUP_OF: Record<string, string> = {
  pods: '',
  deployments: 'apps',
  podscales: GROUP,
  servicelevelagreements: GROUP,
  events: '',
};

interface PodSpecShape {
  replicas: number;
  requestsMilli: number;
  limitsMilli: number;
}

const SHAPES: Record<RealContender, PodSpecShape> = {
  kosmos: { replicas: 1, requestsMilli: 200, limitsMilli: 200 },
  'kosmos-equal-split': { replicas: 1, requestsMilli: 200, limitsMilli: 200 },
  'hpa-burstable': { replicas: 1, requestsMilli: 200, limitsMilli: 600 },
  'hpa-guaranteed': { replicas: 1, requestsMilli: 300, limitsMilli: 300 },
  static: { replicas: 2, requestsMilli: 300, limitsMilli: 300 },
};

function deployment(w: RealWorkload, shape: PodSpecShape): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: shape.replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'kosmos/sample-app',
              args: ['--cpu-per-request-ms', String(w.cpuPerRequestMs), '--io-wait-ms', String(w.ioWaitMs)],
              ports: [{ containerPort: 8080 }],
              resources: {
                requests: { cpu: `${shape.requestsMilli}m`, memory: '192Mi' },
                limits: { cpu: `${shape.limitsMilli}m`, memory: '192Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

function sla(w: RealWorkload): KObject {
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'ServiceLevelAgreement',
    metadata: { name: 'web', namespace: NS },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      container: 'app',
      objective: { responseTime: `${w.sloMs}ms`, statistic: w.statistic },
      metrics: { scrape: { port: 8080, path: '/metrics', metric: 'http_request_duration_seconds' } },
      resources: { min: { cpu: '100m', memory: '128Mi' }, max: { cpu: '600m', memory: '192Mi' } },
      replicas: { min: 1, max: MAX_REPLICAS },
      policy: { mode: 'Auto' },
    },
  };
}

/** An equal split: every Running pod of the service at weight 1 (HAProxy's round robin). */
function equalWeights(cluster: RealCluster): WeightSource {
  return {
    current: async () => {
      const out: PodWeight[] = [];
      for (const p of cluster.api.api.store.scan('/pods', NS)) {
        if (p.status?.phase === 'Running' && !p.metadata.deletionTimestamp)
          out.push({ namespace: NS, name: p.metadata.name!, uid: p.metadata.uid!, weight: 1 });
      }
      return out;
    },
  };
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

const servicePodReadings = (cluster: RealCluster) =>
  podCgroupReadings(cluster, cluster.api.api.store.scan('/pods', NS), TOTAL_CPU_MILLI);

export interface JobOptions {
  log: Logger;
  logDir: string;
  seed: number;
  /**
   * Seconds the load plays the workload's first rate before the measured run starts: every
   * contender starts from the size its manifest names, and this measures how it tracks the
   * workload, not how far its manifest was from the first second's load (default 0).
   */
  warmupSeconds?: number;
  /** kosmos only: further flags for its hub and agents. */
  kosmosFlags?: { hub?: string[]; agent?: string[] };
}

export async function runRealJob(
  w: RealWorkload,
  contender: RealContender,
  o: JobOptions,
): Promise<JobResult> {
  const log = o.log.child({ workload: w.name, contender });
  const loadAverageBefore = loadAverage();
  const cluster = await startRealCluster({
    nodes: NODES,
    totalCpuMilli: TOTAL_CPU_MILLI,
    log,
    logDir: o.logDir,
    handleSignals: true,
  });
  const stops: (() => Promise<void> | void)[] = [() => cluster.stop()];
  try {
    const kc: KubeConfig = cluster.api.kubeConfig();
    const clients = kubeClients(kc);
    const shape = SHAPES[contender];
    const deploymentType = cluster.api.resource('apps', 'deployments');
    cluster.api.api.create(cluster.api.resource('', 'namespaces'), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS },
    });
    cluster.api.api.create(deploymentType, deployment(w, shape));
    let kosmos: KosmosProcesses | undefined;
    let source: WeightSource = equalWeights(cluster);
    if (contender === 'kosmos' || contender === 'kosmos-equal-split') {
      await clients.custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: SLA_PLURAL,
        body: sla(w),
      });
      kosmos = await startKosmosProcesses(
        cluster,
        NODES.map((n) => n.name),
        o.logDir,
        o.kosmosFlags,
      );
      stops.unshift(() => kosmos!.stop());
      // kosmos-equal-split keeps HAProxy's equal split: what the hub's resource-aware weights are worth.
      if (contender === 'kosmos') {
        const hubSource = new HubStatusWeightSource({
          address: `127.0.0.1:${kosmos.statusPort}`,
          sla: { namespace: NS, name: 'web' },
        });
        stops.push(() => hubSource.close());
        source = hubSource;
      }
    }
    const haproxy = await startHaproxy({ backend: 'web', slots: 8, serverPort: 8080 });
    stops.unshift(() => haproxy.stop());
    const syncer = new WeightSyncer({
      source,
      addresses: new KubePodAddresses(clients.core),
      proxy: new HaproxyRuntime({ socketPath: haproxy.socketPath }),
      backend: 'web',
      port: 8080,
      log: log.child({ component: 'balancer' }),
    });
    syncer.start(1000);
    stops.unshift(() => syncer.stop());
    await waitUntil(
      'a ready pod behind the balancer',
      async () => (await syncer.runOnce()).plan.weights.size >= 1,
      60_000,
    );
    if (contender.startsWith('hpa')) {
      const hpa = startHpaDriver({
        cluster,
        clients,
        namespace: NS,
        deployment: 'web',
        targetUtilizationPercent: 60,
        maxReplicas: MAX_REPLICAS,
        log,
      });
      stops.unshift(() => hpa.stop());
    }

    const warmup = o.warmupSeconds ?? 0;
    const started = performance.now();
    let writes = 0;
    const writesBy = new Map<string, number>();
    let counting = false;
    const writeLog: WriteRecord[] = [];
    const seen = new Map<string, unknown>();
    cluster.api.onRequest((r) => {
      if (!WRITE_VERBS.has(r.verb)) return;
      const key = `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}`;
      const group = GROUP_OF[r.resource];
      let changed: string[] = [];
      if (group !== undefined && r.name) {
        const part = writtenPart(
          cluster.api.api.tryGet(cluster.api.resource(group, r.resource), r.namespace, r.name),
          r.subresource,
        );
        const objectKey = `${r.resource}/${r.subresource ?? ''}/${r.namespace}/${r.name}`;
        changed = changedPaths(seen.get(objectKey), part);
        seen.set(objectKey, part);
      }
      writeLog.push({
        t: Math.round(performance.now() - started) / 1000 - warmup,
        kind: key,
        name: r.name ?? '',
        code: r.code,
        changed,
      });
      if (!counting) return;
      writes++;
      writesBy.set(key, (writesBy.get(key) ?? 0) + 1);
    });
    let resizes = 0;
    cluster.api.kubelet.on('podResized', () => {
      if (counting) resizes++;
    });
    const seconds: SecondSample[] = [];
    let previous = servicePodReadings(cluster);
    let previousAt = performance.now();
    let lastReplicas = shape.replicas;
    let replicaChanges = 0;
    let podSeconds = 0;
    const footprint = kosmos ? kosmos.footprint() : undefined;
    const sampler = setInterval(() => {
      const now = performance.now();
      const readings = servicePodReadings(cluster);
      let allocatedMilli = 0;
      let usedMilli = 0;
      for (const [uid, r] of readings) {
        allocatedMilli += r.quotaMilli;
        const before = previous.get(uid);
        if (before) usedMilli += (r.usageNs - before.usageNs) / 1e6 / ((now - previousAt) / 1000);
      }
      previous = readings;
      previousAt = now;
      const d = cluster.api.api.tryGet(deploymentType, NS, 'web');
      const replicas = d?.spec?.replicas ?? lastReplicas;
      const t = Math.round((now - started) / 1000) - warmup;
      counting = t >= 0;
      footprint?.sample();
      if (!counting) {
        lastReplicas = replicas;
        return;
      }
      if (replicas !== lastReplicas) replicaChanges++;
      lastReplicas = replicas;
      podSeconds += readings.size;
      const sample: SecondSample = {
        t,
        offeredRps: w.ratePerSecond[t] ?? 0,
        allocatedMilli,
        usedMilli,
        replicas,
        pods: readings.size,
      };
      seconds.push(sample);
      void haproxy.runtime.command('show stat').then(
        (csv) => {
          const b = backendLoad(csv, 'web');
          if (b) sample.balancer = b;
        },
        () => undefined,
      );
      if (kosmos)
        void readHubView(kosmos.metricsPort, 'web').then((v) => {
          if (v) sample.hub = v;
        });
    }, 1000);
    const records = await runOpenLoopInWorker({
      ratePerSecond: [...Array<number>(warmup).fill(w.ratePerSecond[0] ?? 0), ...w.ratePerSecond],
      host: '127.0.0.1',
      port: Number(new URL(haproxy.url).port),
      path: '/work',
      seed: o.seed,
    });
    clearInterval(sampler);
    counting = false;
    const durationSeconds = w.ratePerSecond.length;
    const judged = {
      sloMs: w.sloMs,
      statistic: w.statistic,
      durationSeconds: warmup + durationSeconds,
      fromSeconds: warmup,
    };
    const client = clientFigures(records, judged);
    const per5 = clientFigures(records, { ...judged, windowSeconds: 5 });
    const result: JobResult = {
      workload: w.name,
      contender,
      durationSeconds,
      warmupSeconds: warmup,
      loadAverageBefore,
      loadAverageAfter: loadAverage(),
      client: {
        ...client,
        windows: client.windows.map((x) => ({
          startSeconds: x.startSeconds - warmup,
          p95Ms: x.statisticMs,
          violated: x.violated,
        })),
      },
      coreSecondsAllocated: seconds.reduce((a, s) => a + s.allocatedMilli, 0) / 1000,
      coreSecondsUsed: seconds.reduce((a, s) => a + s.usedMilli, 0) / 1000,
      resizes,
      replicaChanges,
      apiWritesPerPodPerMinute: podSeconds > 0 ? writes / (podSeconds / 60) : 0,
      apiWritesByKind: Object.fromEntries([...writesBy].sort((a, b) => b[1] - a[1])),
      podSeconds,
      steady: steadyWrites(w.ratePerSecond, seconds, writeLog),
      apiWritesChanged: writesByKind(writeLog, 0, durationSeconds),
      writeLog,
      processes: (await footprint?.result()) ?? [],
      seconds,
      p95Per5s: per5.windows.map((x) => ({
        t: x.startSeconds - warmup,
        p95Ms: x.statisticMs,
        maxSendLagMs: maxSendLag(records, x.startSeconds, x.startSeconds + 5),
      })),
    };
    log.info(
      { clientViolationPct: client.violationPct, p99Ms: client.p99Ms, errorsPct: client.errorsPct },
      'job done',
    );
    return result;
  } finally {
    for (const stop of stops) {
      try {
        await stop();
      } catch (err) {
        log.warn({ err }, 'stopping part of the testbed failed');
      }
    }
  }
}

/**
 * Pure: the last second whose offered rate differs from the second before by more than 10 %
 * (0 when the rate never changes).
 */
export function lastLoadChange(ratePerSecond: readonly number[]): number {
  for (let t = ratePerSecond.length - 1; t > 0; t--) {
    const [a, b] = [ratePerSecond[t - 1]!, ratePerSecond[t]!];
    if (Math.abs(a - b) > 0.1 * Math.max(a, b)) return t;
  }
  return 0;
}

/** Pure: the writes of the run's steady phase (SETTLE_SECONDS after the last load change, to the end). */
export function steadyWrites(
  ratePerSecond: readonly number[],
  seconds: readonly Pick<SecondSample, 't' | 'pods'>[],
  writeLog: readonly WriteRecord[],
): SteadyWrites | { why: string } {
  const duration = ratePerSecond.length;
  const last = lastLoadChange(ratePerSecond);
  const fromSeconds = last + SETTLE_SECONDS;
  if (duration - fromSeconds < MIN_STEADY_SECONDS)
    return {
      why: `no steady phase: the load last changed at ${last} s of ${duration}, and ${SETTLE_SECONDS} s to settle plus ${MIN_STEADY_SECONDS} s to measure do not fit after it`,
    };
  const podSeconds = seconds.filter((s) => s.t >= fromSeconds).reduce((a, s) => a + s.pods, 0);
  const byKind = writesByKind(writeLog, fromSeconds, duration);
  const writes = Object.values(byKind).reduce((a, k) => a + k.writes, 0);
  return {
    fromSeconds,
    toSeconds: duration,
    podSeconds,
    writes,
    apiWritesPerPodPerMinute: podSeconds > 0 ? writes / (podSeconds / 60) : 0,
    apiWritesByKind: byKind,
  };
}

function maxSendLag(records: readonly RequestRecord[], fromSeconds: number, toSeconds: number): number {
  let max = 0;
  for (const r of records)
    if (r.atSeconds >= fromSeconds && r.atSeconds < toSeconds) max = Math.max(max, r.sendLagMs ?? 0);
  return max;
}

/** The BACKEND row of HAProxy's `show stat` CSV: current sessions and queued requests. */
function backendLoad(csv: string, backend: string): { sessions: number; queued: number } | undefined {
  const lines = csv.split('\n');
  const header = (lines[0] ?? '').replace(/^# /, '').split(',');
  const col = (name: string) => header.indexOf(name);
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[0] === backend && f[1] === 'BACKEND')
      return { sessions: Number(f[col('scur')] || 0), queued: Number(f[col('qcur')] || 0) };
  }
  return undefined;
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
