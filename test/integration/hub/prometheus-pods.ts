// The web pods as Prometheus sees them: each running pod serves a real latency histogram on its own
// loopback IP (sim/node/metrics-endpoint), filled every 100 ms from the same M/M/1 model the
// Workload gives the agent (its request rate and CPU cost at the pod's enacted CPU), so a pod's
// response time falls when kosmos gives it more CPU.
import type { ApiServer } from '../../../packages/apiserver/index.ts';
import { createMetricsEndpoints, type MetricsEndpoints } from '../../../sim/node/metrics-endpoint.ts';
import type { Workload } from './workload.ts';

/** Response time of a pod that cannot keep up (arrivals ≥ its service rate), seconds. */
const OVERLOADED_SECONDS = 5;
const STEP_MS = 100;

export class PrometheusPods {
  readonly endpoints: MetricsEndpoints = createMetricsEndpoints();
  readonly #api: ApiServer;
  readonly #workload: Workload;
  readonly #port: number;
  readonly #carry = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #stepping: Promise<void> = Promise.resolve();

  constructor(api: ApiServer, workload: Workload, port: number) {
    this.#api = api;
    this.#workload = workload;
    this.#port = port;
  }

  /** Names of the pods serving metrics now. */
  names(): string[] {
    return this.#running().map((p) => p.metadata.name as string);
  }

  #running() {
    return this.#api.api
      .list(this.#api.resource('', 'pods'), { namespace: 'default', labels: [], fields: [] })
      .filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp && p.status.podIP);
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#stepping = this.#stepping.then(() => this.#step(STEP_MS / 1000));
    }, STEP_MS);
  }

  async #step(dtSeconds: number): Promise<void> {
    const pods = this.#running();
    const lambda = this.#workload.totalRps / Math.max(1, pods.length);
    for (const pod of pods) {
      const uid = pod.metadata.uid as string;
      await this.endpoints.addPod(uid, { ip: pod.status!.podIP as string, port: this.#port });
      const mu = this.#workload.enactedCpuMilli(uid) / this.#workload.costMilliSeconds;
      const mean = lambda < mu * 0.98 ? 1 / (mu - lambda) : OVERLOADED_SECONDS;
      const due = (this.#carry.get(uid) ?? 0) + lambda * dtSeconds;
      const count = Math.floor(due);
      this.#carry.set(uid, due - count);
      if (count > 0) {
        this.endpoints.observe(uid, {
          count,
          sumSeconds: count * mean,
          cdf: (t) => 1 - Math.exp(-t / mean),
        });
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#stepping;
    await this.endpoints.close();
  }
}
