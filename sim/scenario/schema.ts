// JSON schema of a scenario file and the ajv validator whose errors name the offending field
// (`services[0].sla.objective.responseTime: must be a duration like 200ms`).
import { Ajv, type ErrorObject } from 'ajv';
import { parseDurationSeconds } from '../../lib/duration.ts';
import { isQuantity } from '../../lib/quantity.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

const duration = { type: 'string', format: 'duration' } as const;
const quantity = { type: ['string', 'number'], format: 'quantity' } as const;
const resources = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: quantity, memory: quantity },
} as const;
const requiredResources = { ...resources, required: ['cpu', 'memory'] } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const name = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;

const synthetic = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string' } },
  discriminator: { propertyName: 'kind' },
  oneOf: [
    {
      additionalProperties: false,
      properties: { kind: { const: 'steady' }, rps: nonNegative },
      required: ['kind', 'rps'],
    },
    {
      additionalProperties: false,
      properties: {
        kind: { const: 'step' },
        fromRps: nonNegative,
        toRps: nonNegative,
        atSeconds: nonNegative,
      },
      required: ['kind', 'fromRps', 'toRps', 'atSeconds'],
    },
    {
      additionalProperties: false,
      properties: {
        kind: { const: 'ramp' },
        fromRps: nonNegative,
        toRps: nonNegative,
        startSeconds: nonNegative,
        endSeconds: nonNegative,
      },
      required: ['kind', 'fromRps', 'toRps', 'startSeconds', 'endSeconds'],
    },
    {
      additionalProperties: false,
      properties: {
        kind: { const: 'sine' },
        meanRps: nonNegative,
        amplitudeRps: nonNegative,
        periodSeconds: positive,
        phaseSeconds: { type: 'number' },
      },
      required: ['kind', 'meanRps', 'amplitudeRps', 'periodSeconds'],
    },
    {
      additionalProperties: false,
      properties: {
        kind: { const: 'flash-crowd' },
        baseRps: nonNegative,
        peakRps: nonNegative,
        atSeconds: nonNegative,
        riseSeconds: positive,
        holdSeconds: nonNegative,
        decaySeconds: positive,
      },
      required: ['kind', 'baseRps', 'peakRps', 'atSeconds', 'riseSeconds', 'holdSeconds', 'decaySeconds'],
    },
  ],
} as const;

const trace = {
  type: 'object',
  additionalProperties: false,
  properties: {
    synthetic,
    file: { type: 'string', minLength: 1 },
    start: duration,
    length: duration,
    compression: positive,
    aggregate: { enum: ['sum', 'mean'] },
    rescale: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: { peakRps: positive, meanRps: positive, factor: positive },
    },
  },
} as const;

const sla = {
  type: 'object',
  additionalProperties: false,
  required: ['objective', 'resources', 'replicas'],
  properties: {
    targetRef: { type: 'object' },
    container: { type: 'string' },
    metrics: { type: 'object' },
    policy: { type: 'object' },
    objective: {
      type: 'object',
      additionalProperties: false,
      required: ['responseTime'],
      properties: { responseTime: duration, statistic: { enum: ['mean', 'p50', 'p90', 'p95', 'p99'] } },
    },
    resources: {
      type: 'object',
      additionalProperties: false,
      required: ['min', 'max'],
      properties: { default: resources, min: resources, max: resources },
    },
    replicas: {
      type: 'object',
      additionalProperties: false,
      required: ['max'],
      properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 1 } },
    },
  },
} as const;

const service = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'replicas', 'resources', 'workload', 'trace', 'sla'],
  properties: {
    name,
    namespace: name,
    replicas: { type: 'integer', minimum: 0 },
    resources: requiredResources,
    startup: duration,
    arrivals: { enum: ['poisson', 'none'] },
    workload: {
      type: 'object',
      additionalProperties: false,
      required: ['cpuPerRequest'],
      properties: {
        cpuPerRequest: duration,
        distribution: { enum: ['exponential', 'deterministic', 'lognormal'] },
        cv: nonNegative,
        memoryBase: quantity,
        memoryPerRequest: quantity,
        timeout: duration,
      },
    },
    trace,
    sla,
  },
} as const;

export const SCENARIO_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'duration', 'nodes', 'services'],
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    duration,
    step: duration,
    resizeDelay: duration,
    nodes: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'allocatable'],
        properties: { name, allocatable: requiredResources },
      },
    },
    services: { type: 'array', minItems: 1, items: service },
  },
} as const;

const FORMAT_MESSAGES: Record<string, string> = {
  duration: 'must be a duration like 200ms, 10s, 3m or 2h',
  quantity: 'must be a Kubernetes quantity like 500m, 2, 256Mi or 1Gi',
};

const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true });
ajv.addFormat('duration', { type: 'string', validate: (s: string) => (parseDurationSeconds(s) ?? -1) >= 0 });
ajv.addFormat('quantity', {
  type: 'string',
  validate: (s: string) => isQuantity(s),
});
const validate = ajv.compile(SCENARIO_SCHEMA);

/** `/services/0/sla` → `services[0].sla`. */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function problemOf(e: ErrorObject): FieldProblem {
  const path = fieldPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: join(path, String(p['missingProperty'])), message: 'is required' };
    case 'additionalProperties':
      return { field: join(path, String(p['additionalProperty'])), message: 'is not a known field' };
    case 'format':
      return { field: path, message: FORMAT_MESSAGES[String(p['format'])] ?? e.message ?? 'is invalid' };
    case 'enum':
      return { field: path, message: `must be one of: ${(p['allowedValues'] as unknown[]).join(', ')}` };
    case 'discriminator':
      return {
        field: join(path, String(p['tag'])),
        message: 'must be one of: steady, step, ramp, sine, flash-crowd',
      };
    default:
      return { field: path || '(root)', message: e.message ?? 'is invalid' };
  }
}

/** Schema problems of a parsed scenario document (empty when valid). */
export function schemaProblems(doc: unknown): FieldProblem[] {
  if (validate(doc)) return [];
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const e of validate.errors ?? []) {
    const problem = problemOf(e);
    const key = `${problem.field}: ${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
