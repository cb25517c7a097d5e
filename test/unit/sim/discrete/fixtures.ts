// Scenario builders for engine tests: literal nodes and services, synthetic traces.
import type { Controller, ControllerActions, Observation } from '../../../../sim/discrete/controller.ts';
import { parseSla } from '../../../../sim/scenario/sla.ts';
import type { Scenario, ServiceScenario } from '../../../../sim/scenario/types.ts';
import { type SyntheticSpec, syntheticTrace } from '../../../../sim/traces/trace.ts';

export const MI = 1024 * 1024;

export function service(name: string, over: Partial<ServiceScenario> & { traceSpec?: SyntheticSpec } = {}) {
  const resources = over.resources ?? { cpuMilli: 1000, memoryBytes: 512 * MI };
  const { traceSpec, ...rest } = over;
  const svc: ServiceScenario = {
    name,
    namespace: 'default',
    workload: {
      cpuSecondsPerRequest: 0.02,
      distribution: { kind: 'exponential' },
      baseMemoryBytes: 100 * MI,
      memoryPerRequestBytes: MI,
      timeoutSeconds: 10,
    },
    startupSeconds: 10,
    replicas: 2,
    resources,
    sla: parseSla(
      {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        objective: { responseTime: '100ms', statistic: 'p95' },
        metrics: { scrape: { port: 8080, metric: 'http_request_duration_seconds' } },
        resources: { min: { cpu: '100m', memory: '128Mi' }, max: { cpu: '4', memory: '4Gi' } },
        replicas: { min: 1, max: 10 },
      },
      resources,
    ),
    trace: syntheticTrace(traceSpec ?? { kind: 'steady', rps: 50 }),
    arrivals: 'poisson',
    ...rest,
  };
  return svc;
}

export function scenario(services: ServiceScenario[], over: Partial<Scenario> = {}): Scenario {
  return {
    name: 'test',
    description: 'test scenario',
    seed: 42,
    durationSeconds: 600,
    stepSeconds: 1,
    resizeDelaySeconds: 2,
    nodes: [
      { name: 'node-a', allocatable: { cpuMilli: 4000, memoryBytes: 8192 * MI } },
      { name: 'node-b', allocatable: { cpuMilli: 4000, memoryBytes: 8192 * MI } },
    ],
    services,
    ...over,
  };
}

/** A controller that records what it saw and answers with a scripted function. */
export function scripted(
  periodSeconds: number,
  decide: (o: Observation) => ControllerActions = () => ({}),
): Controller & { seen: Observation[] } {
  const seen: Observation[] = [];
  return {
    name: 'scripted',
    periodSeconds,
    seen,
    decide(o) {
      seen.push(o);
      return decide(o);
    },
  };
}
