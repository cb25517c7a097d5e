// The demo's nodes in real mode (`npm start -- --real`): the pods are real processes in real cgroups
// (sim/node/real), each service sits behind its own HAProxy whose weights the hub publishes, and an
// open-loop load generator per service sends the trace's requests through it. Every step reads what
// the client saw (the SLA statistic of the last 5 s of responses) and each pod's enacted quota and
// CPU used from its cgroups, in the shape of the simulated nodes' steps (LiveStep).
import type { V1Pod } from '@kubernetes/client-node';
import { HaproxyRuntime } from '../../hub/src/balancer/haproxy-runtime.ts';
import { KubePodAddresses } from '../../hub/src/balancer/pod-addresses.ts';
import { HubStatusWeightSource } from '../../hub/src/balancer/weight-source.ts';
import { WeightSyncer } from '../../hub/src/balancer/weight-syncer.ts';
import type { KubeClients } from '../../lib/kube.ts';
import type { Logger } from '../../lib/log.ts';
import type { KObject } from '../../packages/apiserver/index.ts';
import { statisticMs } from '../load/client-figures.ts';
import { type Haproxy, startHaproxy } from '../load/haproxy.ts';
import type { RequestRecord } from '../load/open-loop.ts';
import { runOpenLoopInWorker } from '../load/open-loop-worker.ts';
import { podCgroupReadings } from '../node/real/pod-readings.ts';
import type { RealCluster } from '../node/real/real-cluster.ts';
import type { Scenario, ServiceScenario } from '../scenario/types.ts';
import { enactedCpuMilli, type LiveStep } from './live-cluster.ts';

/** The client's response time is the SLA statistic of the responses of this many last seconds. */
const RT_WINDOW_SECONDS = 5;
/** HAProxy server slots per service (more than any bundled scenario's replicas.max). */
const SLOTS = 12;

export interface RealLiveClusterOptions {
  scenario: Scenario;
  cluster: RealCluster;
  clients: KubeClients;
  /** host:port of the hub's status API (the balancer weights). */
  hubStatusAddress: string;
  durationSeconds: number;
  speed: number;
  log: Logger;
}

interface ServiceLoad {
  spec: ServiceScenario;
  haproxy: Haproxy;
  syncer: WeightSyncer;
  weights: HubStatusWeightSource;
  /** Finished requests not yet counted by a step, and the recent ones for the statistic. */
  fresh: RequestRecord[];
  recent: { atMs: number; latencyMs: number; ok: boolean }[];
  stepsWithRt: number;
  stepsViolated: number;
}

const READY = (pod: KObject) =>
  (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );

export class RealLiveCluster {
  readonly #o: RealLiveClusterOptions;
  readonly #services: ServiceLoad[];
  readonly #abort = new AbortController();
  #previous = new Map<string, { usageNs: number; atMs: number }>();

  private constructor(options: RealLiveClusterOptions, services: ServiceLoad[]) {
    this.#o = options;
    this.#services = services;
  }

  /** Starts a balancer per service, waits for a ready pod behind each, then starts the load. */
  static async start(o: RealLiveClusterOptions): Promise<RealLiveCluster> {
    const services: ServiceLoad[] = [];
    const live = new RealLiveCluster(o, services);
    try {
      for (const spec of o.scenario.services) {
        const port = spec.sla.spec.metrics.scrape?.port ?? 8080;
        const haproxy = await startHaproxy({ backend: spec.name, slots: SLOTS, serverPort: port });
        const weights = new HubStatusWeightSource({
          address: o.hubStatusAddress,
          sla: { namespace: spec.namespace, name: spec.name },
        });
        const syncer = new WeightSyncer({
          source: weights,
          addresses: new KubePodAddresses(o.clients.core),
          proxy: new HaproxyRuntime({ socketPath: haproxy.socketPath }),
          backend: spec.name,
          port,
          log: o.log.child({ component: 'balancer', service: spec.name }),
        });
        services.push({
          spec,
          haproxy,
          syncer,
          weights,
          fresh: [],
          recent: [],
          stepsWithRt: 0,
          stepsViolated: 0,
        });
        syncer.start(1000);
      }
      await Promise.all(services.map((s) => waitForBackend(s.syncer, s.spec.name, 120_000)));
    } catch (err) {
      await live.close();
      throw err;
    }
    for (const [i, s] of services.entries()) {
      const ratePerSecond = Array.from({ length: Math.ceil(o.durationSeconds) + 1 }, (_, t) =>
        s.spec.trace.rateAt(t * o.speed),
      );
      const started = performance.now();
      void runOpenLoopInWorker(
        {
          ratePerSecond,
          host: '127.0.0.1',
          port: Number(new URL(s.haproxy.url).port),
          path: '/work',
          seed: o.scenario.seed + i,
        },
        (batch) => {
          s.fresh.push(...batch);
          for (const r of batch) {
            s.recent.push({
              atMs: started + r.atSeconds * 1000 + (r.ok ? r.latencyMs : 0),
              latencyMs: r.latencyMs,
              ok: r.ok,
            });
          }
        },
        live.#abort.signal,
      ).catch((err) => o.log.error({ err, service: s.spec.name }, 'load generator failed'));
    }
    return live;
  }

  /** What happened since the last step (dtSeconds ago), per service; traceSeconds is for the caller. */
  async step(_traceSeconds: number, dtSeconds: number): Promise<LiveStep> {
    const now = performance.now();
    const store = this.#o.cluster.api.api.store;
    const readings = podCgroupReadings(this.#o.cluster, store.scan('/pods'), Number.NaN);
    const out: LiveStep = { services: [] };
    for (const s of this.#services) {
      const { spec } = s;
      const items = [...store.scan('/pods', spec.namespace)].filter(
        (p) => p.metadata.labels?.['app'] === spec.name,
      ) as KObject[];
      const running = items.filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
      const finished = s.fresh.splice(0);
      s.recent = s.recent.filter((r) => r.atMs >= now - RT_WINDOW_SECONDS * 1000);
      const ok = s.recent.filter((r) => r.ok).map((r) => r.latencyMs);
      const errors = s.recent.length - ok.length;
      ok.sort((a, b) => a - b);
      // a failed request is an infinitely slow one, as the benchmark's client figures count it
      const rtMs =
        errors > 0.01 * s.recent.length ? Number.POSITIVE_INFINITY : statisticMs(ok, spec.sla.statistic);
      const rt = Number.isNaN(rtMs) ? undefined : rtMs / 1000;
      if (rt !== undefined) {
        s.stepsWithRt++;
        if (rt > spec.sla.sloSeconds) s.stepsViolated++;
      }
      out.services.push({
        name: spec.name,
        requestRate: finished.length / dtSeconds,
        replicas: items.filter((p) => !p.metadata.deletionTimestamp).length,
        readyReplicas: running.filter(READY).length,
        responseTimeSeconds: rt === Number.POSITIVE_INFINITY ? spec.workload.timeoutSeconds : rt,
        sloSeconds: spec.sla.sloSeconds,
        statistic: spec.sla.statistic,
        violationPercent: s.stepsWithRt ? (100 * s.stepsViolated) / s.stepsWithRt : 0,
        pods: running.map((p) => {
          const uid = p.metadata.uid!;
          const r = readings.get(uid);
          const before = this.#previous.get(uid);
          const usageCpuMilli =
            r && before && now > before.atMs ? (r.usageNs - before.usageNs) / 1e3 / (now - before.atMs) : 0;
          return {
            uid,
            name: p.metadata.name!,
            node: p.spec.nodeName,
            ready: READY(p),
            enactedCpuMilli: enactedCpuMilli(p as V1Pod, spec.name),
            usageCpuMilli,
          };
        }),
      });
    }
    this.#previous = new Map([...readings].map(([uid, r]) => [uid, { usageNs: r.usageNs, atMs: now }]));
    return out;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    for (const s of this.#services) {
      s.syncer.stop();
      s.weights.close();
      await s.haproxy.stop();
    }
  }
}

async function waitForBackend(syncer: WeightSyncer, service: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const size = await syncer.runOnce().then(
      (r) => r.plan.weights.size,
      () => 0,
    );
    if (size > 0) return;
    if (Date.now() > deadline)
      throw new Error(`no ready pod of ${service} behind its balancer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
