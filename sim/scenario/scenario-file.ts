// Scenario files (YAML): parse, validate (schema, then cross-field rules), resolve to a Scenario
// with its traces loaded. Every problem names its field; see docs/model.md for the format.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ServiceLevelAgreementSpec, Statistic } from '../../lib/api/types.ts';
import { parseDurationSeconds } from '../../lib/duration.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../lib/quantity.ts';
import type { PodResources } from '../discrete/controller.ts';
import type { DemandDistribution } from '../model/rt-distribution.ts';
import { loadRealTrace, type Rescale } from '../traces/real-trace.ts';
import { type SyntheticSpec, scaledTrace, syntheticTrace, type Trace } from '../traces/trace.ts';
import { scaleScenarioCpu } from './scale-cpu.ts';
import { type FieldProblem, schemaProblems } from './schema.ts';
import { parseSla } from './sla.ts';
import type { Scenario, ServiceScenario } from './types.ts';

type Qty = string | number;

/** The YAML document, as validated by the schema. */
export interface ScenarioDocument {
  name: string;
  description?: string;
  seed?: number;
  duration: string;
  step?: string;
  resizeDelay?: string;
  nodes: { name: string; allocatable: { cpu: Qty; memory: Qty } }[];
  services: ServiceDocument[];
}

export interface ServiceDocument {
  name: string;
  namespace?: string;
  replicas: number;
  resources: { cpu: Qty; memory: Qty };
  startup?: string;
  arrivals?: 'poisson' | 'none';
  workload: {
    cpuPerRequest: string;
    distribution?: 'exponential' | 'deterministic' | 'lognormal';
    cv?: number;
    memoryBase?: Qty;
    memoryPerRequest?: Qty;
    timeout?: string;
  };
  trace: {
    synthetic?: SyntheticSpec;
    file?: string;
    start?: string;
    length?: string;
    compression?: number;
    aggregate?: 'sum' | 'mean';
    rescale?: Rescale;
  };
  sla: Omit<ServiceLevelAgreementSpec, 'targetRef' | 'metrics'> &
    Partial<Pick<ServiceLevelAgreementSpec, 'targetRef' | 'metrics'>>;
}

/** Defaults of optional fields, in one place (documented in docs/model.md). */
export const SCENARIO_DEFAULTS = {
  seed: 1,
  step: '1s',
  resizeDelay: '2s',
  namespace: 'default',
  startup: '10s',
  arrivals: 'poisson',
  distribution: 'exponential',
  memoryBase: '64Mi',
  memoryPerRequest: '1Mi',
  timeout: '10s',
  statistic: 'p95',
  metricsPort: 8080,
  metricName: 'http_request_duration_seconds',
} as const;

export class ScenarioError extends Error {
  readonly problems: FieldProblem[];
  readonly source: string;
  constructor(source: string, problems: FieldProblem[]) {
    super(`invalid scenario ${source}:\n${problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`);
    this.name = 'ScenarioError';
    this.source = source;
    this.problems = problems;
  }
}

const secondsOf = (d: string): number => parseDurationSeconds(d) ?? Number.NaN;

/** Rules the schema can't express: unique names, min ≤ max, sizes within the nodes. */
function crossFieldProblems(doc: ScenarioDocument): FieldProblem[] {
  const out: FieldProblem[] = [];
  const unique = (items: { name: string }[], path: string) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.name))
        out.push({ field: `${path}[${i}].name`, message: `duplicate name "${item.name}"` });
      seen.add(item.name);
    });
  };
  unique(doc.nodes, 'nodes');
  unique(doc.services, 'services');
  if (doc.step && secondsOf(doc.step) > secondsOf(doc.duration)) {
    out.push({ field: 'step', message: 'must not be longer than duration' });
  }
  const maxNodeCpu = Math.max(...doc.nodes.map((n) => parseCpuMilli(n.allocatable.cpu)));
  doc.services.forEach((s, i) => {
    const at = `services[${i}]`;
    const r = s.sla.resources;
    for (const kind of ['cpu', 'memory'] as const) {
      const parse = kind === 'cpu' ? parseCpuMilli : parseMemoryBytes;
      const min = r.min[kind];
      const max = r.max[kind];
      if (min !== undefined && max !== undefined && parse(min) > parse(max)) {
        out.push({
          field: `${at}.sla.resources.min.${kind}`,
          message: `must not exceed sla.resources.max.${kind} (${max})`,
        });
      }
    }
    if ((s.sla.replicas.min ?? 1) > s.sla.replicas.max) {
      out.push({
        field: `${at}.sla.replicas.min`,
        message: `must not exceed sla.replicas.max (${s.sla.replicas.max})`,
      });
    }
    if (parseCpuMilli(s.resources.cpu) > maxNodeCpu) {
      out.push({ field: `${at}.resources.cpu`, message: `is larger than every node's allocatable cpu` });
    }
    const t = s.trace;
    if ((t.synthetic === undefined) === (t.file === undefined)) {
      out.push({ field: `${at}.trace`, message: 'needs exactly one of trace.synthetic or trace.file' });
    }
    if (t.synthetic && (t.start || t.length || t.compression || t.aggregate)) {
      out.push({
        field: `${at}.trace`,
        message: 'start, length, compression and aggregate apply to trace.file only',
      });
    }
    if (t.synthetic && t.rescale && 'meanRps' in t.rescale) {
      out.push({
        field: `${at}.trace.rescale.meanRps`,
        message: 'applies to trace.file only (use peakRps or factor)',
      });
    }
    if (s.workload.cv !== undefined && s.workload.distribution !== 'lognormal') {
      out.push({ field: `${at}.workload.cv`, message: 'applies to distribution: lognormal only' });
    }
    if (secondsOf(s.workload.cpuPerRequest) <= 0) {
      out.push({ field: `${at}.workload.cpuPerRequest`, message: 'must be more than 0' });
    }
  });
  return out;
}

/** Parses and validates YAML text; throws ScenarioError listing every problem by field. */
export function parseScenarioYaml(text: string, source = '<inline>'): ScenarioDocument {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ScenarioError(source, [{ field: '(yaml)', message: (err as Error).message }]);
  }
  const problems = schemaProblems(doc);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  const typed = doc as ScenarioDocument;
  const more = crossFieldProblems(typed);
  if (more.length > 0) throw new ScenarioError(source, more);
  return typed;
}

function resourcesOf(r: { cpu: Qty; memory: Qty }): PodResources {
  return { cpuMilli: parseCpuMilli(r.cpu), memoryBytes: parseMemoryBytes(r.memory) };
}

function distributionOf(w: ServiceDocument['workload']): DemandDistribution {
  const kind = w.distribution ?? SCENARIO_DEFAULTS.distribution;
  return kind === 'lognormal' ? { kind, cv: w.cv ?? 1 } : { kind };
}

/** The full SLA spec of a simulated service: targetRef and metrics default to the simulated Deployment. */
export function slaSpecOf(s: ServiceDocument): ServiceLevelAgreementSpec {
  return {
    ...s.sla,
    targetRef: s.sla.targetRef ?? { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
    objective: {
      responseTime: s.sla.objective.responseTime,
      statistic: (s.sla.objective.statistic ?? SCENARIO_DEFAULTS.statistic) as Statistic,
    },
    metrics: s.sla.metrics ?? {
      scrape: { port: SCENARIO_DEFAULTS.metricsPort, path: '/metrics', metric: SCENARIO_DEFAULTS.metricName },
    },
  };
}

async function traceOf(
  s: ServiceDocument,
  field: string,
  source: string,
  tracesDir?: string,
): Promise<Trace> {
  const t = s.trace;
  if (t.synthetic) {
    const trace = syntheticTrace(t.synthetic);
    if (t.rescale && 'factor' in t.rescale) return scaledTrace(trace, t.rescale.factor);
    if (t.rescale && 'peakRps' in t.rescale && trace.peakRps > 0) {
      return scaledTrace(trace, t.rescale.peakRps / trace.peakRps);
    }
    return trace;
  }
  try {
    return await loadRealTrace(t.file!, {
      ...(t.start ? { startSeconds: Math.round(secondsOf(t.start)) } : {}),
      ...(t.length ? { lengthSeconds: Math.round(secondsOf(t.length)) } : {}),
      ...(t.compression ? { compression: t.compression } : {}),
      aggregate: t.aggregate ?? 'sum',
      ...(t.rescale ? { rescale: t.rescale } : {}),
      ...(tracesDir ? { dir: tracesDir } : {}),
    });
  } catch (err) {
    throw new ScenarioError(source, [{ field: `${field}.trace.file`, message: (err as Error).message }]);
  }
}

export interface ResolveOptions {
  /** Where trace files are (default: $KOSMOS_TRACES_DIR, else ../shared/traces). */
  tracesDir?: string;
  /** Multiply every CPU figure by this (scale-cpu.ts): a scenario sized for a cluster on fewer real cores. */
  cpuScale?: number;
}

/** Turns a validated document into a Scenario: numbers with units in names, traces loaded. */
export async function resolveScenario(
  doc: ScenarioDocument,
  options: ResolveOptions = {},
  source = '<inline>',
): Promise<Scenario> {
  const services: ServiceScenario[] = [];
  for (const [i, s] of doc.services.entries()) {
    const resources = resourcesOf(s.resources);
    const w = s.workload;
    services.push({
      name: s.name,
      namespace: s.namespace ?? SCENARIO_DEFAULTS.namespace,
      workload: {
        cpuSecondsPerRequest: secondsOf(w.cpuPerRequest),
        distribution: distributionOf(w),
        baseMemoryBytes: parseMemoryBytes(w.memoryBase ?? SCENARIO_DEFAULTS.memoryBase),
        memoryPerRequestBytes: parseMemoryBytes(w.memoryPerRequest ?? SCENARIO_DEFAULTS.memoryPerRequest),
        timeoutSeconds: secondsOf(w.timeout ?? SCENARIO_DEFAULTS.timeout),
      },
      startupSeconds: secondsOf(s.startup ?? SCENARIO_DEFAULTS.startup),
      replicas: s.replicas,
      resources,
      sla: parseSla(slaSpecOf(s), resources),
      trace: await traceOf(s, `services[${i}]`, source, options.tracesDir),
      arrivals: s.arrivals ?? SCENARIO_DEFAULTS.arrivals,
    });
  }
  return {
    name: doc.name,
    description: doc.description ?? '',
    seed: doc.seed ?? SCENARIO_DEFAULTS.seed,
    durationSeconds: secondsOf(doc.duration),
    stepSeconds: secondsOf(doc.step ?? SCENARIO_DEFAULTS.step),
    resizeDelaySeconds: secondsOf(doc.resizeDelay ?? SCENARIO_DEFAULTS.resizeDelay),
    nodes: doc.nodes.map((n) => ({ name: n.name, allocatable: resourcesOf(n.allocatable) })),
    services,
  };
}

/** Folder of the bundled scenarios. */
export const SCENARIOS_DIR = resolve(import.meta.dirname, '..', 'scenarios');

/** A bundled scenario's name (default, step, flash-crowd, twitter) or a path to a YAML file. */
export function scenarioPath(nameOrPath: string): string {
  if (/^[a-z0-9-]+$/.test(nameOrPath)) return resolve(SCENARIOS_DIR, `${nameOrPath}.yaml`);
  return isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
}

/** Names of the scenarios in sim/scenarios/. */
export function bundledScenarios(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Reads, validates and resolves a scenario file (or bundled scenario name). */
export async function loadScenario(nameOrPath = 'default', options: ResolveOptions = {}): Promise<Scenario> {
  const path = scenarioPath(nameOrPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const bundled = /^[a-z0-9-]+$/.test(nameOrPath)
      ? ` (bundled scenarios: ${bundledScenarios().join(', ')}; or give a path to a YAML file)`
      : '';
    throw new ScenarioError(path, [
      { field: '(file)', message: `cannot read: ${(err as Error).message}${bundled}` },
    ]);
  }
  const doc = parseScenarioYaml(text, path);
  return resolveScenario(options.cpuScale ? scaleScenarioCpu(doc, options.cpuScale) : doc, options, path);
}
