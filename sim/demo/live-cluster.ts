// The simulated nodes of the demo, in wall-clock time: every step it lists the pods once, routes
// the trace's arrivals to the ready pods of each service, steps each pod's queue with the CPU the
// kubelet enacted, and exposes the result where the real agent looks: cgroup files and each pod's
// /metrics (served on the pod's own loopback IP and the SLA's scrape port).
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { statisticSeconds } from '../../lib/api/statistic.ts';
import type { Logger } from '../../lib/log.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../lib/quantity.ts';
import { workloadParams } from '../discrete/sim-service.ts';
import { PodQueue, type WorkloadParams } from '../model/pod-queue.ts';
import { Prng, seedFor } from '../model/prng.ts';
import { RtMixture } from '../model/rt-distribution.ts';
import { sampleArrivals, splitArrivals } from '../model/traffic.ts';
import { type CgroupWriter, containerKey } from '../node/cgroup-writer.ts';
import { createMetricsEndpoints, type MetricsEndpoints } from '../node/metrics-endpoint.ts';
import type { Scenario, ServiceScenario } from '../scenario/types.ts';
import type { LivePod, LiveService } from './live-view.ts';

interface PodState {
  uid: string;
  name: string;
  node: string;
  queue: PodQueue;
  cgroupReady: boolean;
  /** The pod's /metrics server runs (it needs the pod IP, known once the pod started). */
  endpointUp: boolean;
  /** The fluid model completes fractions of requests; the histogram counts whole ones. */
  completionCarry: number;
}

interface ServiceState {
  spec: ServiceScenario;
  params: WorkloadParams;
  rng: Prng;
  pods: Map<string, PodState>;
  metrics: MetricsEndpoints;
  scrapePort: number;
  stepsWithRt: number;
  stepsViolated: number;
}

export interface LiveStep {
  services: (LiveService & { pods: (LivePod & { uid: string })[] })[];
}

const READY = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** CPU the kubelet enacted for the container (limit, else request), from containerStatuses. */
export function enactedCpuMilli(pod: V1Pod, container: string): number {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  const spec = pod.spec?.containers.find((c) => c.name === container);
  const res = status?.resources ?? spec?.resources;
  const cpu = res?.limits?.['cpu'] ?? res?.requests?.['cpu'];
  return cpu === undefined ? 0 : parseCpuMilli(cpu);
}

function memoryLimitBytes(pod: V1Pod, container: string): number | undefined {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  const mem = status?.resources?.limits?.['memory'];
  return mem === undefined ? undefined : parseMemoryBytes(mem);
}

export interface LiveClusterOptions {
  scenario: Scenario;
  core: CoreV1Api;
  writers: Map<string, CgroupWriter>;
  log: Logger;
}

export class LiveCluster {
  readonly #o: LiveClusterOptions;
  readonly #services: ServiceState[];

  constructor(options: LiveClusterOptions) {
    this.#o = options;
    this.#services = options.scenario.services.map((spec) => {
      const params = workloadParams(spec);
      return {
        spec,
        params,
        rng: new Prng(seedFor(options.scenario.seed, spec.name)),
        pods: new Map(),
        metrics: createMetricsEndpoints({ path: spec.sla.spec.metrics.scrape?.path ?? '/metrics' }),
        scrapePort: spec.sla.spec.metrics.scrape?.port ?? 8080,
        stepsWithRt: 0,
        stepsViolated: 0,
      };
    });
  }

  /** Advances every service by dtSeconds of simulated time at trace time traceSeconds. */
  async step(traceSeconds: number, dtSeconds: number, weights?: Map<string, number>): Promise<LiveStep> {
    const out: LiveStep = { services: [] };
    const list = await this.#o.core.listPodForAllNamespaces({
      labelSelector: `app in (${this.#services.map((s) => s.spec.name).join(',')})`,
    });
    for (const svc of this.#services) {
      const items = list.items.filter(
        (p) => p.metadata?.namespace === svc.spec.namespace && p.metadata?.labels?.['app'] === svc.spec.name,
      );
      out.services.push(await this.#stepService(svc, items, traceSeconds, dtSeconds, weights));
    }
    return out;
  }

  async #stepService(
    svc: ServiceState,
    items: V1Pod[],
    traceSeconds: number,
    dt: number,
    weights?: Map<string, number>,
  ) {
    const { spec } = svc;
    const container = spec.name;
    const pods = items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
    await this.#forgetGone(svc, new Set(pods.map((p) => p.metadata!.uid!)));

    const routable = pods.map((p) => ({ pod: p, weight: weights?.get(p.metadata!.uid!) ?? 1 }));
    const split = new Float64Array(routable.length);
    const rate = spec.trace.rateAt(traceSeconds);
    const arrivals = sampleArrivals(rate, dt, spec.arrivals, svc.rng);
    splitArrivals(arrivals, routable, (r) => READY(r.pod), split);

    const stepRt = new RtMixture(svc.params.shape);
    const livePods: (LivePod & { uid: string })[] = [];
    for (let i = 0; i < routable.length; i++) {
      const pod = routable[i]!.pod;
      const state = this.#stateFor(svc, pod);
      const cpuMilli = enactedCpuMilli(pod, container);
      const result = state.queue.step({ arrivals: split[i]!, capacityCores: cpuMilli / 1000, dtSeconds: dt });
      if (!state.endpointUp && pod.status?.podIP) {
        await svc.metrics.addPod(state.uid, { ip: pod.status.podIP, port: svc.scrapePort });
        state.endpointUp = true;
      }
      if (result.completions > 0 && Number.isFinite(result.meanRtSeconds)) {
        const mean = result.meanRtSeconds;
        stepRt.add(result.completions, mean);
        if (state.endpointUp) {
          const whole = Math.floor(state.completionCarry + result.completions);
          state.completionCarry += result.completions - whole;
          const shape = svc.params.shape;
          if (whole > 0)
            svc.metrics.observe(state.uid, {
              count: whole,
              sumSeconds: whole * mean,
              cdf: (t) => shape.cdf(t / mean),
            });
        }
      }
      await this.#writeCgroup(state, pod, container, cpuMilli, result);
      livePods.push({
        uid: state.uid,
        name: state.name,
        node: state.node,
        ready: READY(pod),
        enactedCpuMilli: cpuMilli,
        usageCpuMilli: result.usedCores * 1000,
      });
    }
    const summary = stepRt.summary();
    const rt = summary ? statisticSeconds(summary, spec.sla.statistic) : undefined;
    if (rt !== undefined) {
      svc.stepsWithRt++;
      if (rt > spec.sla.sloSeconds) svc.stepsViolated++;
    }
    return {
      name: spec.name,
      requestRate: arrivals / dt,
      replicas: items.filter((p) => !p.metadata?.deletionTimestamp).length,
      readyReplicas: pods.filter(READY).length,
      responseTimeSeconds: rt,
      sloSeconds: spec.sla.sloSeconds,
      statistic: spec.sla.statistic,
      violationPercent: svc.stepsWithRt ? (100 * svc.stepsViolated) / svc.stepsWithRt : 0,
      pods: livePods,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#services.map((s) => s.metrics.close()));
  }

  #stateFor(svc: ServiceState, pod: V1Pod): PodState {
    const uid = pod.metadata!.uid!;
    let state = svc.pods.get(uid);
    if (!state) {
      state = {
        uid,
        name: pod.metadata!.name!,
        node: pod.spec?.nodeName ?? '',
        queue: new PodQueue(svc.params),
        cgroupReady: false,
        endpointUp: false,
        completionCarry: 0,
      };
      svc.pods.set(uid, state);
    }
    return state;
  }

  async #writeCgroup(
    state: PodState,
    pod: V1Pod,
    container: string,
    cpuMilli: number,
    result: {
      usedCpuSeconds: number;
      cfsPeriods: number;
      throttledPeriods: number;
      throttledSeconds: number;
      workingSetBytes: number;
    },
  ): Promise<void> {
    const writer = this.#o.writers.get(state.node);
    if (!writer) return;
    const key = containerKey(state.uid, container);
    if (!state.cgroupReady) {
      const containerId =
        pod.status?.containerStatuses?.find((c) => c.name === container)?.containerID ?? state.uid;
      const qos = (pod.status?.qosClass ?? 'Burstable') as 'Guaranteed' | 'Burstable' | 'BestEffort';
      await writer.ensurePod({
        uid: state.uid,
        qosClass: qos,
        containers: [{ name: container, containerId }],
      });
      state.cgroupReady = true;
    }
    await writer.setLimits(key, {
      cpuLimitMilli: cpuMilli,
      memoryLimitBytes: memoryLimitBytes(pod, container),
    });
    await writer.advance(key, {
      cpuUsedMilliSeconds: result.usedCpuSeconds * 1000,
      periods: result.cfsPeriods,
      throttledPeriods: result.throttledPeriods,
      throttledMilliSeconds: result.throttledSeconds * 1000,
      memoryBytes: result.workingSetBytes,
    });
  }

  async #forgetGone(svc: ServiceState, alive: Set<string>): Promise<void> {
    for (const [uid, state] of svc.pods) {
      if (alive.has(uid)) continue;
      svc.pods.delete(uid);
      await svc.metrics.removePod(uid);
      await this.#o.writers.get(state.node)?.removePod(uid);
      this.#o.log.info({ pod: state.name, node: state.node }, 'simulated pod gone');
    }
  }
}
