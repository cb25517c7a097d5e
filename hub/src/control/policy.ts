// Turns a ServiceLevelAgreement spec into the ServicePolicy the control code runs on; every default
// of the control laws is applied here (from the modules' DEFAULTS), nowhere else.
import type { ServiceLevelAgreementSpec } from '../../../lib/api/types.ts';
import { parseDurationSeconds } from '../../../lib/duration.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../../lib/quantity.ts';
import { horizontalConfig } from '../horizontal/defaults.ts';
import { RECOMMENDER_DEFAULTS, recommenderConfig } from '../recommender/defaults.ts';
import type { ServicePolicy } from './types.ts';

export const POLICY_DEFAULTS = {
  mode: 'Auto',
  arbitration: 'minimum-first',
  priority: 1,
  minReplicas: 1,
  /** Memory bounds when the SLA gives none: no floor beyond the law's, no ceiling beyond the node's. */
  minMemoryBytes: 0,
  maxMemoryBytes: Number.MAX_SAFE_INTEGER,
  statistic: RECOMMENDER_DEFAULTS.statistic,
} as const;

export interface PolicyFieldError {
  /** Path in the SLA, e.g. "spec.resources.min.cpu". */
  field: string;
  message: string;
}

export type PolicyResult =
  | { policy: ServicePolicy; errors: [] }
  | { policy: undefined; errors: PolicyFieldError[] };

/**
 * The ServicePolicy of an SLA spec, or the reasons it has none (for the SLA's Invalid condition).
 * Defaults: statistic p95, controller kosmos, gains BC=40 DC=80, replicas.min 1, arbitration
 * minimum-first, priority 1, memory bounds open, no default allocation; the rest as in
 * RECOMMENDER_DEFAULTS and HORIZONTAL_DEFAULTS.
 */
export function policyFromSla(spec: ServiceLevelAgreementSpec): PolicyResult {
  const errors: PolicyFieldError[] = [];
  const quantity = (
    field: string,
    raw: string | number | undefined,
    parse: (q: string | number) => number,
  ) => {
    if (raw === undefined) return undefined;
    try {
      return parse(raw);
    } catch (err) {
      errors.push({ field, message: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  };
  const sloSeconds = parseDurationSeconds(spec.objective?.responseTime ?? '');
  if (sloSeconds === undefined || sloSeconds <= 0) {
    errors.push({
      field: 'spec.objective.responseTime',
      message: 'must be a positive duration such as 200ms or 1.5s',
    });
  }
  const r = spec.resources ?? { min: {}, max: {} };
  const minCpu = quantity('spec.resources.min.cpu', r.min?.cpu, parseCpuMilli) ?? 1;
  const maxCpu = quantity('spec.resources.max.cpu', r.max?.cpu, parseCpuMilli);
  if (r.max?.cpu === undefined) errors.push({ field: 'spec.resources.max.cpu', message: 'is required' });
  const minMemory =
    quantity('spec.resources.min.memory', r.min?.memory, parseMemoryBytes) ?? POLICY_DEFAULTS.minMemoryBytes;
  const maxMemory =
    quantity('spec.resources.max.memory', r.max?.memory, parseMemoryBytes) ?? POLICY_DEFAULTS.maxMemoryBytes;
  const defaultCpu = quantity('spec.resources.default.cpu', r.default?.cpu, parseCpuMilli);
  const defaultMemory = quantity('spec.resources.default.memory', r.default?.memory, parseMemoryBytes);
  if (maxCpu !== undefined && maxCpu <= 0)
    errors.push({ field: 'spec.resources.max.cpu', message: 'must be greater than 0' });
  if (maxCpu !== undefined && minCpu > maxCpu) {
    errors.push({
      field: 'spec.resources.min.cpu',
      message: 'must be less than or equal to resources.max.cpu',
    });
  }
  if (minMemory > maxMemory) {
    errors.push({
      field: 'spec.resources.min.memory',
      message: 'must be less than or equal to resources.max.memory',
    });
  }
  const minReplicas = spec.replicas?.min ?? POLICY_DEFAULTS.minReplicas;
  const maxReplicas = spec.replicas?.max;
  if (!Number.isInteger(maxReplicas) || (maxReplicas ?? 0) < 1) {
    errors.push({ field: 'spec.replicas.max', message: 'must be an integer ≥ 1' });
  } else if (!Number.isInteger(minReplicas) || minReplicas < 0 || minReplicas > (maxReplicas ?? 0)) {
    errors.push({ field: 'spec.replicas.min', message: 'must be an integer between 0 and replicas.max' });
  }
  const p = spec.policy ?? {};
  if (p.maxGrowthFactor !== undefined && !(p.maxGrowthFactor >= 1)) {
    errors.push({ field: 'spec.policy.maxGrowthFactor', message: 'must be at least 1' });
  }
  if (errors.length > 0 || sloSeconds === undefined || maxCpu === undefined || maxReplicas === undefined) {
    return { policy: undefined, errors };
  }
  const clampTo = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const recommender = recommenderConfig(
    {
      sloSeconds,
      minCpuMilli: minCpu,
      maxCpuMilli: maxCpu,
      minMemoryBytes: minMemory,
      maxMemoryBytes: maxMemory,
    },
    {
      controller: p.controller,
      statistic: spec.objective.statistic,
      gains: p.gains,
      maxGrowthFactor: p.maxGrowthFactor,
    },
  );
  return {
    policy: {
      mode: p.mode ?? POLICY_DEFAULTS.mode,
      recommender,
      horizontal: horizontalConfig({ scaleUp: p.horizontal?.scaleUp, scaleDown: p.horizontal?.scaleDown }),
      minReplicas,
      maxReplicas,
      defaultResources: {
        ...(defaultCpu === undefined ? {} : { cpuMilli: clampTo(defaultCpu, minCpu, maxCpu) }),
        ...(defaultMemory === undefined ? {} : { memoryBytes: clampTo(defaultMemory, minMemory, maxMemory) }),
      },
      minResources: { cpuMilli: minCpu, memoryBytes: minMemory },
      maxResources: { cpuMilli: maxCpu, memoryBytes: maxMemory },
      arbitration: p.arbitration ?? POLICY_DEFAULTS.arbitration,
      priority: p.priority ?? POLICY_DEFAULTS.priority,
    },
    errors: [],
  };
}
