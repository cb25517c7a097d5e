// A simulated node for the speed benchmarks: each pod is an M/M/1 queue at its enacted CPU, its
// usage written as cgroup files (sim/node/cgroup-writer.ts) and its latencies served as a real
// Prometheus histogram on its own loopback address (sim/node/metrics-endpoint.ts).
import { type CgroupWriter, containerKey, createCgroupWriter } from '../../sim/node/cgroup-writer.ts';
import { createMetricsEndpoints, type MetricsEndpoints } from '../../sim/node/metrics-endpoint.ts';

export interface SimPodSpec {
  uid: string;
  /** Container name and status containerID (`containerd://…`). */
  container: string;
  containerId: string;
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort';
  /** Loopback address the pod's /metrics listens on, at `port`. */
  ip: string;
  port: number;
  cpuMilli: number;
  memoryBytes: number;
  /** Requests per second arriving at the pod. */
  rps: number;
  /** CPU time one request needs, millicore-seconds (default REQUEST_COST_MILLI_SECONDS). */
  costMilliSeconds?: number;
}

/** CPU time one request needs, millicore-seconds (10 = 10 ms of one core). */
export const REQUEST_COST_MILLI_SECONDS = 10;
/** Mean response time reported for a saturated pod, seconds. */
const SATURATED_RT_SECONDS = 2;

/** Mean response time of an M/M/1 pod at `rps` requests/s and `cpuMilli`; saturated beyond ρ = 0.98. */
export function meanResponseSeconds(
  rps: number,
  cpuMilli: number,
  costMilliSeconds = REQUEST_COST_MILLI_SECONDS,
): number {
  const serviceRate = cpuMilli / costMilliSeconds;
  return rps < 0.98 * serviceRate ? 1 / (serviceRate - rps) : SATURATED_RT_SECONDS;
}

export class NodeSim {
  readonly #writer: CgroupWriter;
  readonly #endpoints: MetricsEndpoints;
  readonly #pods = new Map<string, SimPodSpec>();
  readonly #carry = new Map<string, number>();

  private constructor(writer: CgroupWriter, endpoints: MetricsEndpoints) {
    this.#writer = writer;
    this.#endpoints = endpoints;
  }

  /**
   * The cgroup files change in place, as the kernel's do: a reader's kept-open descriptor reads the
   * new values, and the agent's read cost is the one it has on a node (a pread per file, plus the
   * fstat it adds on a tree of ordinary files) rather than a reopen of every file replaced by rename
   * since the last tick.
   */
  static async create(root: string): Promise<NodeSim> {
    return new NodeSim(await createCgroupWriter({ root, update: 'in-place' }), createMetricsEndpoints());
  }

  async addPod(spec: SimPodSpec): Promise<void> {
    this.#pods.set(spec.uid, { ...spec });
    await this.#writer.ensurePod({
      uid: spec.uid,
      qosClass: spec.qosClass,
      containers: [
        {
          name: spec.container,
          containerId: spec.containerId,
          cpuLimitMilli: spec.cpuMilli,
          memoryLimitBytes: spec.memoryBytes,
        },
      ],
    });
    await this.#endpoints.addPod(spec.uid, { ip: spec.ip, port: spec.port });
  }

  has(uid: string): boolean {
    return this.#pods.has(uid);
  }

  /** Changes a pod's load or its enacted CPU (cpu.max is rewritten on the next advance). */
  update(uid: string, change: { rps?: number; cpuMilli?: number }): void {
    const pod = this.#pods.get(uid);
    if (!pod) return;
    if (change.rps !== undefined) pod.rps = change.rps;
    if (change.cpuMilli !== undefined) pod.cpuMilli = change.cpuMilli;
  }

  pod(uid: string): Readonly<SimPodSpec> | undefined {
    return this.#pods.get(uid);
  }

  /** One step of dtSeconds for every pod: finished requests observed, cgroup counters advanced. */
  async advance(dtSeconds: number): Promise<void> {
    await Promise.all([...this.#pods.values()].map((pod) => this.#advancePod(pod, dtSeconds)));
  }

  async #advancePod(pod: SimPodSpec, dtSeconds: number): Promise<void> {
    const arrivals = pod.rps * dtSeconds + (this.#carry.get(pod.uid) ?? 0);
    const count = Math.floor(arrivals);
    this.#carry.set(pod.uid, arrivals - count);
    const cost = pod.costMilliSeconds ?? REQUEST_COST_MILLI_SECONDS;
    const meanSeconds = meanResponseSeconds(pod.rps, pod.cpuMilli, cost);
    if (count > 0) {
      this.#endpoints.observe(pod.uid, {
        count,
        sumSeconds: count * meanSeconds,
        cdf: (t) => 1 - Math.exp(-t / meanSeconds),
      });
    }
    const demandMilli = pod.rps * cost;
    const usedMilli = Math.min(demandMilli, pod.cpuMilli);
    const periods = Math.round(dtSeconds * 10);
    const key = containerKey(pod.uid, pod.container);
    await this.#writer.setLimits(key, { cpuLimitMilli: pod.cpuMilli, memoryLimitBytes: pod.memoryBytes });
    await this.#writer.advance(key, {
      cpuUsedMilliSeconds: usedMilli * dtSeconds,
      periods,
      throttledPeriods: demandMilli >= pod.cpuMilli ? Math.round(periods / 2) : 0,
      memoryBytes: Math.round(pod.memoryBytes * 0.5),
      pageCacheBytes: 8 * 1024 * 1024,
      stepSeconds: dtSeconds,
    });
  }

  async close(): Promise<void> {
    await this.#endpoints.close();
  }
}
