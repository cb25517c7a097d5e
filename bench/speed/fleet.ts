// A synthetic fleet for the hub benchmarks: S SLAs × P pods spread over N nodes (pod g of the
// fleet runs on node g mod N), and the NodeReports its agents would send in a control period.
import { randomUUID } from 'node:crypto';
import type { ServiceLevelAgreementSpec } from '../../lib/api/types.ts';
import type { NodeReport__Output } from '../../proto/gen/kosmos/v1/NodeReport.ts';
import type { PodReport__Output } from '../../proto/gen/kosmos/v1/PodReport.ts';
import { meanResponseSeconds, REQUEST_COST_MILLI_SECONDS } from './node-sim.ts';

const MIB = 1024 * 1024;

export interface FleetPod {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  sla: number;
}

export interface Fleet {
  nodes: string[];
  /** Pods of each SLA, by SLA index. */
  slaPods: FleetPod[][];
  /** Pods on each node, by node index. */
  nodePods: FleetPod[][];
  slaKeys: string[];
}

export function buildFleet(nodeCount: number, slaCount: number, podsPerSla: number): Fleet {
  const nodes = Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
  const nodePods: FleetPod[][] = nodes.map(() => []);
  const slaPods: FleetPod[][] = [];
  const slaKeys: string[] = [];
  for (let s = 0; s < slaCount; s++) {
    const namespace = `ns-${s % 100}`;
    slaKeys.push(`${namespace}/svc-${s}`);
    const pods: FleetPod[] = [];
    for (let j = 0; j < podsPerSla; j++) {
      const g = s * podsPerSla + j;
      const pod = {
        uid: randomUUID(),
        namespace,
        name: `svc-${s}-${j}`,
        node: nodes[g % nodeCount] as string,
        sla: s,
      };
      pods.push(pod);
      nodePods[g % nodeCount]?.push(pod);
    }
    slaPods.push(pods);
  }
  return { nodes, slaPods, nodePods, slaKeys };
}

export const FLEET_SLA_SPEC: ServiceLevelAgreementSpec = {
  targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'svc' },
  container: 'app',
  objective: { responseTime: '200ms', statistic: 'p95' },
  metrics: { scrape: { port: 8080, path: '/metrics', metric: 'http_request_duration_seconds' } },
  resources: { min: { cpu: '100m', memory: '64Mi' }, max: { cpu: '4', memory: '2Gi' } },
  replicas: { min: 1, max: 60 },
};

/** Requests/s at a pod in a period: each SLA has its own phase, so some rise while others fall. */
export function podRps(sla: number, period: number): number {
  return 30 + 20 * Math.sin(period / 3 + sla);
}

/** The report an agent would send for its node's pods, at the CPU each pod has enacted now. */
export function nodeReport(
  fleet: Fleet,
  nodeIndex: number,
  sequence: number,
  windowSeconds: number,
  enactedCpuMilli: (uid: string) => number,
  nowMs: number,
): NodeReport__Output {
  const pods: PodReport__Output[] = (fleet.nodePods[nodeIndex] ?? []).map((p) => {
    const cpuMilli = enactedCpuMilli(p.uid);
    const rps = podRps(p.sla, sequence);
    const mean = meanResponseSeconds(rps, cpuMilli);
    return {
      uid: p.uid,
      namespace: p.namespace,
      name: p.name,
      container: 'app',
      sla: fleet.slaKeys[p.sla] as string,
      cpuUsageMilli: Math.min(cpuMilli, rps * REQUEST_COST_MILLI_SECONDS),
      cpuThrottledRatio: rps * REQUEST_COST_MILLI_SECONDS >= cpuMilli ? 0.5 : 0,
      memoryWorkingSetBytes: 128 * MIB,
      responseTime: {
        requestCount: Math.round(rps * windowSeconds),
        meanSeconds: mean,
        p50Seconds: mean * 0.69,
        p90Seconds: mean * 2.3,
        p95Seconds: mean * 3,
        p99Seconds: mean * 4.6,
        windowSeconds,
        valid: true,
        error: '',
        failureReason: '',
      },
      enacted: { cpuMilli, memoryBytes: 256 * MIB },
      capped: { cpuMilli: 0, memoryBytes: 0 },
      capReason: 'CAP_REASON_NONE',
      resizeState: 'RESIZE_STATE_NONE',
      resizeMessage: '',
      ready: true,
      restartCount: 0,
      lastTerminationOom: false,
      usageValid: true,
      cpuPressureSomeAvg10: 0,
    };
  });
  return {
    nodeName: fleet.nodes[nodeIndex] as string,
    sequence,
    agentVersion: 'bench',
    allocatable: { cpuMilli: 64_000, memoryBytes: 256 * 1024 * MIB },
    untrackedRequests: { cpuMilli: 500, memoryBytes: 512 * MIB },
    pods,
    timestampMs: nowMs,
    windowSeconds,
    hubWasUnreachable: false,
  };
}
