// The benchmark's workloads: two services sharing three 4-core nodes, driven by real trace windows
// (NASA, Twitter) or synthetic shapes (step, flash crowd). Windows, compression and scale are recorded.
import type { Statistic } from '../../lib/api/types.ts';
import type { PodResources, ServiceSla } from '../../sim/discrete/controller.ts';
import type { Scenario, ServiceScenario, WorkloadSpec } from '../../sim/scenario/types.ts';
import { loadRealTrace } from '../../sim/traces/real-trace.ts';
import { syntheticTrace, type Trace } from '../../sim/traces/trace.ts';
import { type TraceWindow, type TraceWorkload, windowSimulatedSeconds } from './trace-windows.ts';

/** Workloads on synthetic traffic; the real-traffic ones come from trace windows (split.ts, or a user's file). */
export const SYNTHETIC_WORKLOADS = ['step', 'flash-crowd', 'uneven-nodes'] as const;
export type SyntheticWorkload = (typeof SYNTHETIC_WORKLOADS)[number];

const MI = 1024 * 1024;
export const FULL_DURATION_SECONDS = 7200;
/** A quick run sees the first quarter of each workload. */
export const QUICK_FRACTION = 0.25;

type ServiceShape = {
  name: 'frontend' | 'backend';
  cpuSecondsPerRequest: number;
  sloSeconds: number;
  statistic: Statistic;
};

/** frontend: 20 ms of CPU per request, p95 ≤ 200 ms; backend: 60 ms per request, p95 ≤ 500 ms. */
const SERVICES: readonly ServiceShape[] = [
  { name: 'frontend', cpuSecondsPerRequest: 0.02, sloSeconds: 0.2, statistic: 'p95' },
  { name: 'backend', cpuSecondsPerRequest: 0.06, sloSeconds: 0.5, statistic: 'p95' },
];

const DEFAULT_RESOURCES: PodResources = { cpuMilli: 1000, memoryBytes: 256 * MI };
const MIN_CPU_MILLI = 100;
const MAX_CPU_MILLI = 2000;
const MAX_REPLICAS = 10;

function sla(shape: ServiceShape, minReplicas = 1): ServiceSla {
  return {
    sloSeconds: shape.sloSeconds,
    statistic: shape.statistic,
    minCpuMilli: MIN_CPU_MILLI,
    maxCpuMilli: MAX_CPU_MILLI,
    minMemoryBytes: 128 * MI,
    maxMemoryBytes: 1024 * MI,
    defaultResources: DEFAULT_RESOURCES,
    minReplicas,
    maxReplicas: MAX_REPLICAS,
    policy: { mode: 'Auto', controller: 'kosmos' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: shape.name },
      objective: { responseTime: `${Math.round(shape.sloSeconds * 1000)}ms`, statistic: shape.statistic },
      metrics: { scrape: { port: 8080, path: '/metrics', metric: 'http_request_duration_seconds' } },
      resources: {
        default: { cpu: `${DEFAULT_RESOURCES.cpuMilli}m`, memory: '256Mi' },
        min: { cpu: `${MIN_CPU_MILLI}m`, memory: '128Mi' },
        max: { cpu: `${MAX_CPU_MILLI}m`, memory: '1Gi' },
      },
      replicas: { min: minReplicas, max: MAX_REPLICAS },
      policy: { mode: 'Auto', controller: 'kosmos' },
    },
  } as ServiceSla;
}

function service(shape: ServiceShape, trace: Trace, replicas: number, minReplicas = 1): ServiceScenario {
  return {
    name: shape.name,
    namespace: 'bench',
    workload: {
      cpuSecondsPerRequest: shape.cpuSecondsPerRequest,
      distribution: { kind: 'exponential' },
      baseMemoryBytes: 96 * MI,
      memoryPerRequestBytes: 256 * 1024,
      timeoutSeconds: 10,
    },
    startupSeconds: 20,
    replicas,
    resources: DEFAULT_RESOURCES,
    sla: sla(shape, minReplicas),
    trace,
    arrivals: 'poisson',
  };
}

/** Loads a window: compressed (mean of `compression` real seconds per simulated one) and rescaled. */
export function loadWindow(w: TraceWindow): Promise<Trace> {
  return loadRealTrace(w.file, {
    startSeconds: w.startSeconds,
    lengthSeconds: w.lengthSeconds,
    compression: w.compression,
    aggregate: 'mean',
    rescale: { meanRps: w.meanRps },
  });
}

/** Simulated seconds a full run of the workload lasts: its trace windows' length, else 7200. */
export function fullDurationSeconds(windows: TraceWorkload | undefined): number {
  if (!windows) return FULL_DURATION_SECONDS;
  return Math.max(windowSimulatedSeconds(windows.frontend), windowSimulatedSeconds(windows.backend));
}

function isSynthetic(name: string): name is SyntheticWorkload {
  return (SYNTHETIC_WORKLOADS as readonly string[]).includes(name);
}

async function traces(
  name: string,
  durationSeconds: number,
  windows: TraceWorkload | undefined,
): Promise<[Trace, Trace]> {
  // A trace window is always replayed whole; a shorter run (--quick) sees its first part.
  if (windows) return [await loadWindow(windows.frontend), await loadWindow(windows.backend)];
  if (!isSynthetic(name)) throw new Error(`workload ${name} has no trace windows and is not synthetic`);
  switch (name) {
    case 'step':
    case 'uneven-nodes': {
      const at = Math.round(durationSeconds / 4);
      return [
        syntheticTrace({ kind: 'step', fromRps: 30, toRps: 120, atSeconds: at }),
        syntheticTrace({ kind: 'sine', meanRps: 15, amplitudeRps: 8, periodSeconds: durationSeconds / 2 }),
      ];
    }
    case 'flash-crowd': {
      const at = Math.round(durationSeconds / 3);
      return [
        syntheticTrace({
          kind: 'flash-crowd',
          baseRps: 20,
          peakRps: 160,
          atSeconds: at,
          riseSeconds: 60,
          holdSeconds: Math.round(durationSeconds / 8),
          decaySeconds: Math.round(durationSeconds / 12),
        }),
        syntheticTrace({ kind: 'sine', meanRps: 20, amplitudeRps: 10, periodSeconds: durationSeconds / 2 }),
      ];
    }
  }
}

/** Node CPU: three equal 4-core nodes; `uneven-nodes` has two 2.5-core nodes and a 1.2-core one, so
 *  the pods placed on the small node are held smaller by the node arbiter than their peers. */
function nodeCpuMilli(name: string): number[] {
  return name === 'uneven-nodes' ? [2500, 2500, 1200] : [4000, 4000, 4000];
}

/**
 * Workloads that break kosmos's own model (M/M/1 processor sharing, exact quantiles), all on the
 * nasa-weekday windows and none tuned for: each changes one thing of the pods or of what is observed.
 */
export const MODEL_WORKLOADS = {
  /** Every request also waits on a downstream call: 80 ms (frontend, SLO 200 ms), 150 ms (backend, 500 ms). */
  'downstream-call': (s: Scenario): Scenario =>
    withWorkload(s, (name) => ({ fixedLatencySeconds: name === 'frontend' ? 0.08 : 0.15 })),
  /** Heavy-tailed request cost: Pareto with α = 2.1 (cv² ≈ 4.8; exponential has 1). */
  'heavy-tail': (s: Scenario): Scenario =>
    withWorkload(s, () => ({ distribution: { kind: 'pareto', alpha: 2.1 } })),
  /** An 8-thread server: a CFS period whose quota runs out stalls every thread until the next 100 ms. */
  'cfs-threads': (s: Scenario): Scenario => withWorkload(s, () => ({ threads: 8 })),
  /** Cost per request rises with load (cache hit rate falls): +50 % per mean rate above the mean. */
  'cost-drift': (s: Scenario): Scenario =>
    withWorkload(s, (name) => ({
      costDrift: { referenceRps: name === 'frontend' ? 50 : 10, slope: 0.5 },
    })),
  /** Pods started during the run work at half speed when ready, reaching full speed after 60 s. */
  'warm-up': (s: Scenario): Scenario => withWorkload(s, () => ({ warmupSeconds: 60 })),
  /** Another tenant on node-a slows its pods by 40 % for 200 s of every 600 s. */
  'noisy-neighbour': (s: Scenario): Scenario => ({
    ...s,
    noisyNeighbour: { node: 'node-a', slowdown: 0.4, periodSeconds: 600, activeSeconds: 200 },
  }),
  /** Controllers read quantiles from the pods' Prometheus histogram buckets, as the agent does. */
  'histogram-metrics': (s: Scenario): Scenario => ({ ...s, measurement: 'histogram' }),
} as const satisfies Record<string, (s: Scenario) => Scenario>;
export type ModelWorkload = keyof typeof MODEL_WORKLOADS;
/** The trace workload whose windows the model-breaking workloads replay. */
export const MODEL_WORKLOAD_TRAFFIC = 'nasa-weekday';

export function isModelWorkload(name: string): name is ModelWorkload {
  return name in MODEL_WORKLOADS;
}

function withWorkload(s: Scenario, extra: (service: string) => Partial<WorkloadSpec>): Scenario {
  return {
    ...s,
    services: s.services.map((x) => ({ ...x, workload: { ...x.workload, ...extra(x.name) } })),
  };
}

export async function buildScenario(
  name: string,
  durationSeconds: number,
  seed: number,
  windows?: TraceWorkload,
): Promise<Scenario> {
  const base = await baseScenario(name, durationSeconds, seed, windows);
  return isModelWorkload(name) ? MODEL_WORKLOADS[name](base) : base;
}

async function baseScenario(
  name: string,
  durationSeconds: number,
  seed: number,
  windows?: TraceWorkload,
): Promise<Scenario> {
  const [front, back] = await traces(name, durationSeconds, windows);
  // uneven-nodes keeps at least 3 frontend pods, so the service always spans pods of different sizes.
  const frontendMin = name === 'uneven-nodes' ? 3 : 1;
  const cpus = nodeCpuMilli(name);
  return {
    name,
    description: `${name}: frontend ${front.label}; backend ${back.label}`,
    seed,
    durationSeconds,
    stepSeconds: 1,
    resizeDelaySeconds: 2,
    nodes: ['node-a', 'node-b', 'node-c'].map((n, i) => ({
      name: n,
      allocatable: { cpuMilli: cpus[i]!, memoryBytes: 8192 * MI },
    })),
    services: [
      service(SERVICES[0]!, front, Math.max(2, frontendMin), frontendMin),
      service(SERVICES[1]!, back, 1),
    ],
  };
}
