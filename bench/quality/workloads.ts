// The benchmark's workloads: two services sharing three 4-core nodes, driven by real trace windows
// (NASA, Twitter) or synthetic shapes (step, flash crowd). Windows, compression and scale are recorded.
import type { Statistic } from '../../lib/api/types.ts';
import type { PodResources, ServiceSla } from '../../sim/discrete/controller.ts';
import type { Scenario, ServiceScenario } from '../../sim/scenario/types.ts';
import { loadRealTrace } from '../../sim/traces/real-trace.ts';
import { syntheticTrace, type Trace } from '../../sim/traces/trace.ts';

export const WORKLOADS = ['nasa', 'twitter', 'step', 'flash-crowd', 'uneven-nodes'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

const MI = 1024 * 1024;
const DAY = 86400;
export const FULL_DURATION_SECONDS = 7200;
export const QUICK_DURATION_SECONDS = 1800;

/** The real-trace windows used, for docs and results (real seconds from the start of the file). */
export type TraceWindow = {
  file: 'nasa' | 'twitter';
  startSeconds: number;
  lengthSeconds: number;
  compression: number;
  /** The window is rescaled to this mean rate. */
  meanRps: number;
};

export const TRACE_WINDOWS: Record<'nasa' | 'twitter', { frontend: TraceWindow; backend: TraceWindow }> = {
  nasa: {
    frontend: { file: 'nasa', startSeconds: 4 * DAY, lengthSeconds: DAY, compression: 12, meanRps: 50 },
    backend: { file: 'nasa', startSeconds: 2 * DAY, lengthSeconds: DAY, compression: 12, meanRps: 10 },
  },
  twitter: {
    frontend: { file: 'twitter', startSeconds: 3 * DAY, lengthSeconds: DAY, compression: 12, meanRps: 50 },
    backend: { file: 'twitter', startSeconds: 1 * DAY, lengthSeconds: DAY, compression: 12, meanRps: 10 },
  },
};

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

async function traces(name: WorkloadName, durationSeconds: number): Promise<[Trace, Trace]> {
  switch (name) {
    case 'nasa':
    case 'twitter': {
      const w = TRACE_WINDOWS[name];
      // The window is always replayed whole; a shorter run (--quick) sees its first part.
      const load = (x: TraceWindow) =>
        loadRealTrace(x.file, {
          startSeconds: x.startSeconds,
          lengthSeconds: x.lengthSeconds,
          compression: x.compression,
          aggregate: 'mean',
          rescale: { meanRps: x.meanRps },
        });
      return [await load(w.frontend), await load(w.backend)];
    }
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
function nodeCpuMilli(name: WorkloadName): number[] {
  return name === 'uneven-nodes' ? [2500, 2500, 1200] : [4000, 4000, 4000];
}

export async function buildScenario(
  name: WorkloadName,
  durationSeconds: number,
  seed: number,
): Promise<Scenario> {
  const [front, back] = await traces(name, durationSeconds);
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
