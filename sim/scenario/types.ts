// A scenario resolved to numbers and loaded traces: what the discrete engine and the live
// simulated cluster both run. The YAML form and its validation live in scenario-file.ts.
import type { PodResources, ServiceSla } from '../discrete/controller.ts';
import type { DemandDistribution } from '../model/rt-distribution.ts';
import type { ArrivalNoise } from '../model/traffic.ts';
import type { Trace } from '../traces/trace.ts';

export interface WorkloadSpec {
  /** Mean CPU-seconds per request (D). */
  cpuSecondsPerRequest: number;
  distribution: DemandDistribution;
  baseMemoryBytes: number;
  memoryPerRequestBytes: number;
  /** Requests that would take longer are rejected (bounded queue). */
  timeoutSeconds: number;
  /** Model-breaking extras (sim/model/pod-queue.ts WorkloadParams): none by default. */
  fixedLatencySeconds?: number;
  threads?: number;
  costDrift?: { referenceRps: number; slope: number };
  warmupSeconds?: number;
}

/** Another tenant on one node slowing its pods (memory bandwidth, caches, SMT siblings) for part of each period. */
export interface NoisyNeighbour {
  node: string;
  /** Fraction of the pods' work lost while active (0.4: their CPU-seconds do 60 % of the work). */
  slowdown: number;
  periodSeconds: number;
  activeSeconds: number;
}

export interface ServiceScenario {
  name: string;
  namespace: string;
  workload: WorkloadSpec;
  /** Time from a pod's creation (or restart) to ready; it serves nothing before. */
  startupSeconds: number;
  /** Replicas at t = 0. */
  replicas: number;
  /** Size of the pods at t = 0 and of pods created later (the Deployment template). */
  resources: PodResources;
  /**
   * CPU limit of every pod when above its request (Burstable QoS; default: limit = request,
   * Guaranteed). Such a pod may use CPU its node's other pods requested but leave idle, up to the
   * limit, shared in proportion to requests (CFS shares); CPU no pod of the run requested counts as
   * used by other tenants (a bin-packed cluster). See sim/discrete/burst.ts and the engine.
   */
  cpuLimitMilli?: number;
  sla: ServiceSla;
  trace: Trace;
  arrivals: ArrivalNoise;
}

export interface NodeScenario {
  name: string;
  allocatable: PodResources;
}

export interface Scenario {
  name: string;
  description: string;
  seed: number;
  durationSeconds: number;
  stepSeconds: number;
  /** Delay between an accepted in-place resize and the kubelet enacting it. */
  resizeDelaySeconds: number;
  nodes: NodeScenario[];
  services: ServiceScenario[];
  noisyNeighbour?: NoisyNeighbour;
  /** How controllers see response times: exact quantiles (default), or as an agent reads them from a
   *  pod's Prometheus histogram (quantiles interpolated inside the default buckets). */
  measurement?: 'exact' | 'histogram';
}
