// Keeps a NodeSim in step with the embedded API server: running pods of one node get simulated
// cgroups and a /metrics endpoint, their CPU follows what the kubelet enacted; advanced on a timer.
// Reads the store directly, so it adds nothing to the server's request counts.

import { parseCpuMilli, parseMemoryBytes } from '../../lib/quantity.ts';
import type { ApiServer, KObject } from '../../packages/apiserver/index.ts';
import type { NodeSim } from './node-sim.ts';

export interface ClusterDriverOptions {
  api: ApiServer;
  sim: NodeSim;
  node: string;
  namespace: string;
  container: string;
  port: number;
  /** Requests per second of a newly seen pod. */
  rpsOf: (podIndex: number) => number;
  costMilliSeconds: number;
  stepMs: number;
}

export function enactedCpuOf(pod: KObject, container: string): number | undefined {
  const status = (pod.status?.containerStatuses ?? []).find((c: { name: string }) => c.name === container);
  const cpu = status?.resources?.limits?.cpu ?? status?.resources?.requests?.cpu;
  return cpu === undefined ? undefined : parseCpuMilli(cpu);
}

export class ClusterDriver {
  readonly #o: ClusterDriverOptions;
  readonly #adding = new Set<string>();
  #seen = 0;
  #timer: NodeJS.Timeout | undefined;
  #stepping: Promise<void> | undefined;
  #lastMs = performance.now();

  constructor(options: ClusterDriverOptions) {
    this.#o = options;
  }

  pods(): KObject[] {
    const { api, namespace, node } = this.#o;
    return api.api
      .list(api.resource('', 'pods'), { namespace, labels: [], fields: [] })
      .filter(
        (p) => p.spec?.nodeName === node && p.status?.phase === 'Running' && !p.metadata.deletionTimestamp,
      );
  }

  start(): void {
    const loop = () => {
      this.#stepping = this.step().finally(() => {
        if (this.#timer !== undefined) this.#timer = setTimeout(loop, this.#o.stepMs);
      });
    };
    this.#timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#stepping;
  }

  async step(): Promise<void> {
    const { sim, container, port } = this.#o;
    const now = performance.now();
    const dtSeconds = (now - this.#lastMs) / 1000;
    this.#lastMs = now;
    for (const pod of this.pods()) {
      const uid = pod.metadata.uid as string;
      const cpuMilli = enactedCpuOf(pod, container);
      if (sim.has(uid)) {
        if (cpuMilli !== undefined) sim.update(uid, { cpuMilli });
        continue;
      }
      const status = (pod.status?.containerStatuses ?? []).find(
        (c: { name: string }) => c.name === container,
      );
      if (!pod.status?.podIP || !status?.containerID || cpuMilli === undefined || this.#adding.has(uid))
        continue;
      const memory = status.resources?.limits?.memory ?? status.resources?.requests?.memory ?? '256Mi';
      this.#adding.add(uid);
      await sim.addPod({
        uid,
        container,
        containerId: status.containerID,
        qosClass: pod.status.qosClass ?? 'Guaranteed',
        ip: pod.status.podIP,
        port,
        cpuMilli,
        memoryBytes: parseMemoryBytes(memory),
        rps: this.#o.rpsOf(this.#seen++),
        costMilliSeconds: this.#o.costMilliSeconds,
      });
      this.#adding.delete(uid);
    }
    if (dtSeconds > 0) await sim.advance(dtSeconds);
  }
}
