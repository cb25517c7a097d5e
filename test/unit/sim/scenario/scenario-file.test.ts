import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  loadScenario,
  parseScenarioYaml,
  resolveScenario,
  type ScenarioDocument,
  ScenarioError,
} from '../../../../sim/scenario/scenario-file.ts';

const MI = 1024 * 1024;

function minimal(): ScenarioDocument {
  return {
    name: 'mini',
    duration: '2m',
    nodes: [{ name: 'n1', allocatable: { cpu: '2', memory: '4Gi' } }],
    services: [
      {
        name: 'web',
        replicas: 1,
        resources: { cpu: '500m', memory: '256Mi' },
        workload: { cpuPerRequest: '20ms' },
        trace: { synthetic: { kind: 'steady', rps: 10 } },
        sla: {
          objective: { responseTime: '200ms' },
          resources: { min: { cpu: '100m', memory: '128Mi' }, max: { cpu: '1', memory: '1Gi' } },
          replicas: { max: 3 },
        },
      },
    ],
  };
}

function svc(d: ScenarioDocument): ScenarioDocument['services'][number] {
  return d.services[0]!;
}

function problemsOf(doc: unknown): string[] {
  try {
    parseScenarioYaml(stringify(doc), 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  return [];
}

function mutate(fn: (doc: ScenarioDocument) => void): ScenarioDocument {
  const doc = minimal();
  fn(doc);
  return doc;
}

describe('scenario files', () => {
  it('resolves a minimal scenario with the documented defaults', async () => {
    const sc = await resolveScenario(parseScenarioYaml(stringify(minimal())));
    expect(sc).toMatchObject({ seed: 1, durationSeconds: 120, stepSeconds: 1, resizeDelaySeconds: 2 });
    const web = sc.services[0]!;
    expect(web).toMatchObject({
      namespace: 'default',
      startupSeconds: 10,
      arrivals: 'poisson',
      resources: { cpuMilli: 500, memoryBytes: 256 * MI },
      workload: {
        cpuSecondsPerRequest: 0.02,
        distribution: { kind: 'exponential' },
        baseMemoryBytes: 64 * MI,
        memoryPerRequestBytes: MI,
        timeoutSeconds: 10,
      },
    });
    expect(web.sla).toMatchObject({
      sloSeconds: 0.2,
      statistic: 'p95',
      minCpuMilli: 100,
      maxCpuMilli: 1000,
      minReplicas: 1,
      maxReplicas: 3,
      defaultResources: { cpuMilli: 500, memoryBytes: 256 * MI },
    });
    expect(web.sla.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(web.sla.spec.metrics.scrape).toEqual({
      port: 8080,
      path: '/metrics',
      metric: 'http_request_duration_seconds',
    });
    expect(web.trace.rateAt(30)).toBe(10);
  });

  it.each([
    [
      (d: ScenarioDocument) => (svc(d).sla.objective.responseTime = 'fast'),
      'services[0].sla.objective.responseTime: must be a duration like 200ms, 10s, 3m or 2h',
    ],
    [
      (d: ScenarioDocument) => delete (svc(d).sla.replicas as Partial<{ max: number }>).max,
      'services[0].sla.replicas.max: is required',
    ],
    [
      (d: ScenarioDocument) => (d.nodes[0]!.allocatable.cpu = 'lots'),
      'nodes[0].allocatable.cpu: must be a Kubernetes quantity like 500m, 2, 256Mi or 1Gi',
    ],
    [
      (d: ScenarioDocument) => ((svc(d) as unknown as Record<string, unknown>)['replicaz'] = 2),
      'services[0].replicaz: is not a known field',
    ],
    [
      (d: ScenarioDocument) => (svc(d).sla.objective.statistic = 'p42' as never),
      'services[0].sla.objective.statistic: must be one of: mean, p50, p90, p95, p99',
    ],
    [
      (d: ScenarioDocument) => (svc(d).trace.synthetic = { kind: 'zigzag' } as never),
      'services[0].trace.synthetic.kind: must be one of: steady, step, ramp, sine, flash-crowd',
    ],
    [
      (d: ScenarioDocument) => (svc(d).trace.synthetic = { kind: 'step', fromRps: 1, toRps: 2 } as never),
      'services[0].trace.synthetic.atSeconds: is required',
    ],
    [
      (d: ScenarioDocument) => (svc(d).sla.resources.min.cpu = '2'),
      'services[0].sla.resources.min.cpu: must not exceed sla.resources.max.cpu (1)',
    ],
    [
      (d: ScenarioDocument) => (svc(d).sla.replicas.min = 5),
      'services[0].sla.replicas.min: must not exceed sla.replicas.max (3)',
    ],
    [(d: ScenarioDocument) => d.services.push({ ...svc(d) }), 'services[1].name: duplicate name "web"'],
    [
      (d: ScenarioDocument) => (svc(d).trace = {}),
      'services[0].trace: needs exactly one of trace.synthetic or trace.file',
    ],
    [
      (d: ScenarioDocument) => (svc(d).resources.cpu = '3'),
      "services[0].resources.cpu: is larger than every node's allocatable cpu",
    ],
    [
      (d: ScenarioDocument) => (svc(d).workload.cv = 2),
      'services[0].workload.cv: applies to distribution: lognormal only',
    ],
    [(d: ScenarioDocument) => (d.nodes = []), 'nodes: must NOT have fewer than 1 items'],
  ])('rejects an invalid field with an error naming it (%#)', (edit, expected) => {
    expect(problemsOf(mutate(edit))).toContain(expected);
  });

  it('reports malformed YAML as a scenario error', () => {
    expect(() => parseScenarioYaml('name: [unclosed', 'bad.yaml')).toThrow(/invalid scenario bad\.yaml/);
  });

  it('names the trace file field when a real trace is missing', async () => {
    const doc = mutate((d) => (svc(d).trace = { file: 'no-such-trace.rps.gz' }));
    await expect(
      resolveScenario(parseScenarioYaml(stringify(doc)), { tracesDir: '/nonexistent' }),
    ).rejects.toThrow(/services\[0\]\.trace\.file: trace file .*no-such-trace\.rps\.gz does not exist/);
  });

  it.each(['default', 'step', 'flash-crowd', 'twitter'])('loads the bundled %s scenario', async (name) => {
    const sc = await loadScenario(name);
    expect(sc.name).toBe(name);
    expect(sc.nodes.length).toBeGreaterThan(0);
    for (const s of sc.services) expect(s.trace.peakRps).toBeGreaterThan(0);
  });

  it('default scenario: 3 nodes, 2 services, at most 3 minutes, a NASA day that rises and falls', async () => {
    const sc = await loadScenario();
    expect(sc.nodes).toHaveLength(3);
    expect(sc.services).toHaveLength(2);
    expect(sc.durationSeconds).toBeLessThanOrEqual(180);
    const trace = sc.services[0]!.trace;
    const avg = (from: number, to: number) => {
      let sum = 0;
      for (let t = from; t < to; t++) sum += trace.rateAt(t);
      return sum / (to - from);
    };
    expect(avg(100, 130)).toBeGreaterThan(2 * avg(0, 30)); // rise
    expect(avg(150, 180)).toBeLessThan(0.8 * avg(100, 130)); // fall
    expect(trace.peakRps).toBeCloseTo(120, 6);
  });
});
