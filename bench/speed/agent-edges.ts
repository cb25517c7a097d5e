// In-memory edges around the real Agent loop for the agent-tick benchmark: a pod source holding one
// node's pods, PodScales and SLA; a hub link that round-trips reports and directives through the
// real protobuf codecs; a resizer and status writer that enact at once.
import { randomBytes, randomUUID } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import type { PodScaleStatusWriter } from '../../agent/src/actuator/podscale-status.ts';
import type { ResizePatchBody } from '../../agent/src/actuator/resize-plan.ts';
import type { ResizeResult, Resizer } from '../../agent/src/actuator/resizer.ts';
import type { HubLink, HubState } from '../../agent/src/hublink/hub-link.ts';
import type { PodSnapshot, PodSource } from '../../agent/src/pods/pod-source.ts';
import {
  API_VERSION,
  type PodScale,
  type PodScaleStatus,
  type ServiceLevelAgreement,
} from '../../lib/api/types.ts';
import { kosmosProto } from '../../lib/grpc/proto.ts';
import { formatCpuMilli, parseCpuMilli } from '../../lib/quantity.ts';
import type { AgentMessage__Output } from '../../proto/gen/kosmos/v1/AgentMessage.ts';
import type { HubMessage__Output } from '../../proto/gen/kosmos/v1/HubMessage.ts';
import type { NodeDirective__Output } from '../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { NodeReport } from '../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodDirective } from '../../proto/gen/kosmos/v1/PodDirective.ts';
import { loopbackAddress } from '../../sim/node/metrics-endpoint.ts';
import type { SimPodSpec } from './node-sim.ts';

export const BENCH_NAMESPACE = 'bench';
export const SCRAPE_PORT = 8080;
const MIB = 1024 * 1024;

export interface BenchPod {
  pod: V1Pod;
  podScale: PodScale;
  sim: SimPodSpec;
}

/** One node's pods: Guaranteed, `cpuMilli` each, a PodScale each, all under one scraped SLA. */
export function benchPods(
  count: number,
  nodeName: string,
  cpuMilli = 500,
  memoryBytes = 256 * MIB,
): BenchPod[] {
  return Array.from({ length: count }, (_, i) => {
    const uid = randomUUID();
    const name = `app-${i}`;
    const containerId = `containerd://${randomBytes(32).toString('hex')}`;
    const ip = loopbackAddress(i);
    const quantities = { cpu: formatCpuMilli(cpuMilli), memory: String(memoryBytes) };
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: BENCH_NAMESPACE, uid, labels: { app: 'web' } },
      spec: {
        nodeName,
        containers: [
          {
            name: 'app',
            image: 'bench:1',
            resources: { requests: { ...quantities }, limits: { ...quantities } },
          },
        ],
      },
      status: {
        phase: 'Running',
        qosClass: 'Guaranteed',
        podIP: ip,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'app',
            image: 'bench:1',
            imageID: 'bench',
            containerID: containerId,
            ready: true,
            restartCount: 0,
            allocatedResources: { ...quantities },
            resources: { requests: { ...quantities }, limits: { ...quantities } },
          },
        ],
      },
    };
    const podScale: PodScale = {
      apiVersion: API_VERSION,
      kind: 'PodScale',
      metadata: { name, namespace: BENCH_NAMESPACE, uid: randomUUID() },
      spec: {
        podRef: { name, uid },
        slaRef: { name: 'web' },
        container: 'app',
        nodeName,
        desired: quantities,
      },
    };
    const sim: SimPodSpec = {
      uid,
      container: 'app',
      containerId,
      qosClass: 'Guaranteed',
      ip,
      port: SCRAPE_PORT,
      cpuMilli,
      memoryBytes,
      rps: 20 + (i % 20),
    };
    return { pod, podScale, sim };
  });
}

/** The SLA of the bench's `web` Deployment (p95 under 200 ms, scraped on SCRAPE_PORT). */
export function benchSla(
  namespace = BENCH_NAMESPACE,
  replicas: { min: number; max: number } = { min: 1, max: 200 },
): ServiceLevelAgreement {
  return {
    apiVersion: API_VERSION,
    kind: 'ServiceLevelAgreement',
    metadata: { name: 'web', namespace },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      container: 'app',
      objective: { responseTime: '200ms', statistic: 'p95' },
      metrics: { scrape: { port: SCRAPE_PORT, path: '/metrics', metric: 'http_request_duration_seconds' } },
      resources: { min: { cpu: '100m', memory: '64Mi' }, max: { cpu: '4', memory: '1Gi' } },
      replicas,
    },
  };
}

export class MemoryPodSource implements PodSource {
  readonly #pods: BenchPod[];
  readonly #sla: ServiceLevelAgreement;
  readonly #allocatable: { cpuMilli: number; memoryBytes: number };

  constructor(
    pods: BenchPod[],
    sla: ServiceLevelAgreement,
    allocatable: { cpuMilli: number; memoryBytes: number },
  ) {
    this.#pods = pods;
    this.#sla = sla;
    this.#allocatable = allocatable;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  synced(): boolean {
    return true;
  }
  async snapshot(): Promise<PodSnapshot> {
    return {
      pods: this.#pods.map((p) => p.pod),
      podScales: this.#pods.map((p) => p.podScale),
      allocatable: this.#allocatable,
      sla: (namespace, name) =>
        namespace === this.#sla.metadata.namespace && name === this.#sla.metadata.name
          ? this.#sla
          : undefined,
    };
  }
}

/**
 * The hub's side played in memory: every report is encoded and decoded with the AgentHub codecs
 * (the agent's serialization cost), answered by a directive that moves `changeEvery`-th pods
 * 100m up and back, so arbitration and resize planning have work every tick.
 */
export class LoopbackHubLink implements HubLink {
  readonly #changeEvery: number;
  #pending: NodeDirective__Output | undefined;
  reportBytes = 0;

  constructor(changeEvery = 10) {
    this.#changeEvery = changeEvery;
  }
  start(): void {}
  async stop(): Promise<void> {}
  state(): HubState {
    return 'connected';
  }
  send(report: NodeReport): boolean {
    const connect = kosmosProto().kosmos.v1.AgentHub.service.Connect;
    const wire = connect.requestSerialize({ report });
    this.reportBytes = wire.byteLength;
    const received = connect.requestDeserialize(wire) as AgentMessage__Output;
    const r = received.report;
    if (!r) return false;
    const seq = Number(r.sequence);
    const pods: PodDirective[] = r.pods.map((p, i) => {
      const enacted = Number(p.enacted?.cpuMilli ?? 500);
      const base = enacted >= 600 ? enacted - 100 : enacted;
      const up = (i + seq) % this.#changeEvery === 0;
      return {
        uid: p.uid,
        namespace: p.namespace,
        name: p.name,
        container: p.container,
        desired: {
          cpuMilli: up ? base + 100 : base,
          memoryBytes: Number(p.enacted?.memoryBytes ?? 256 * MIB),
        },
        minimum: { cpuMilli: 100, memoryBytes: 64 * MIB },
        maximum: { cpuMilli: 4000, memoryBytes: 1024 * MIB },
        priority: 1,
        recommendOnly: false,
        sla: `${BENCH_NAMESPACE}/web`,
      };
    });
    const reply = connect.responseSerialize({
      directive: {
        nodeName: r.nodeName,
        inReplyTo: seq,
        pods,
        policy: 'ARBITRATION_POLICY_MINIMUM_FIRST',
        tickPeriodMs: 1000,
      },
    });
    this.#pending = (connect.responseDeserialize(reply) as HubMessage__Output).directive ?? undefined;
    return true;
  }
  async takeDirective(sequence: number): Promise<NodeDirective__Output | undefined> {
    const d = this.#pending;
    this.#pending = undefined;
    return d && Number(d.inReplyTo) === sequence ? d : undefined;
  }
  takeReconnected(): boolean {
    return false;
  }
  disconnectedForMs(): number {
    return 0;
  }
}

/** Enacts a resize at once, as a kubelet with no delay would: spec and status both move. */
export class InstantResizer implements Resizer {
  readonly #byName: Map<string, BenchPod>;
  readonly onResize: (uid: string, cpuMilli: number) => void;
  count = 0;

  constructor(pods: BenchPod[], onResize: (uid: string, cpuMilli: number) => void = () => {}) {
    this.#byName = new Map(pods.map((p) => [`${p.pod.metadata?.namespace}/${p.pod.metadata?.name}`, p]));
    this.onResize = onResize;
  }

  async resize(namespace: string, name: string, body: ResizePatchBody): Promise<ResizeResult> {
    const bench = this.#byName.get(`${namespace}/${name}`);
    if (!bench) return { ok: false, failure: 'not-found', status: 404, message: 'not found' };
    this.count++;
    const { pod } = bench;
    for (const patch of body.spec.containers) {
      const c = pod.spec?.containers.find((x) => x.name === patch.name);
      const s = pod.status?.containerStatuses?.find((x) => x.name === patch.name);
      if (!c || !s) continue;
      const resources = {
        requests: { ...c.resources?.requests, ...patch.resources.requests },
        limits: { ...c.resources?.limits, ...patch.resources.limits },
      };
      c.resources = resources;
      s.resources = { requests: { ...resources.requests }, limits: { ...resources.limits } };
      s.allocatedResources = { ...resources.requests };
      const cpu = resources.limits['cpu'] ?? resources.requests['cpu'];
      if (cpu !== undefined) this.onResize(pod.metadata?.uid ?? '', parseCpuMilli(cpu));
    }
    return { ok: true, pod };
  }
}

export class MemoryStatusWriter implements PodScaleStatusWriter {
  readonly #byName: Map<string, PodScale>;
  writes = 0;
  constructor(pods: BenchPod[]) {
    this.#byName = new Map(
      pods.map((p) => [`${p.podScale.metadata.namespace}/${p.podScale.metadata.name}`, p.podScale]),
    );
  }
  async write(namespace: string, name: string, status: PodScaleStatus): Promise<void> {
    const ps = this.#byName.get(`${namespace}/${name}`);
    if (ps) ps.status = status;
    this.writes++;
  }
}
