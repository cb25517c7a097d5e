// Turns a ServiceLevelAgreement spec (the CRD's field names) into the parsed ServiceSla the
// controllers read: durations to seconds, quantities to milli-cores and bytes.
import type { ServiceLevelAgreementSpec } from '../../lib/api/types.ts';
import { parseDurationSeconds } from '../../lib/duration.ts';
import { parseCpuMilli, parseMemoryBytes } from '../../lib/quantity.ts';
import type { PodResources, ServiceSla } from '../discrete/controller.ts';

/** Parses the SLA; `template` is the scenario's pod size, used where spec.resources.default is absent. */
export function parseSla(spec: ServiceLevelAgreementSpec, template: PodResources): ServiceSla {
  const slo = parseDurationSeconds(spec.objective.responseTime);
  if (slo === undefined || slo <= 0)
    throw new Error(`objective.responseTime: must be a positive duration like 200ms`);
  const r = spec.resources;
  const def = r.default ?? {};
  return {
    sloSeconds: slo,
    statistic: spec.objective.statistic ?? 'p95',
    minCpuMilli: r.min.cpu !== undefined ? parseCpuMilli(r.min.cpu) : 1,
    maxCpuMilli: r.max.cpu !== undefined ? parseCpuMilli(r.max.cpu) : Number.POSITIVE_INFINITY,
    minMemoryBytes: r.min.memory !== undefined ? parseMemoryBytes(r.min.memory) : 1,
    maxMemoryBytes: r.max.memory !== undefined ? parseMemoryBytes(r.max.memory) : Number.POSITIVE_INFINITY,
    defaultResources: {
      cpuMilli: def.cpu !== undefined ? parseCpuMilli(def.cpu) : template.cpuMilli,
      memoryBytes: def.memory !== undefined ? parseMemoryBytes(def.memory) : template.memoryBytes,
    },
    minReplicas: spec.replicas.min ?? 1,
    maxReplicas: spec.replicas.max,
    policy: spec.policy ?? {},
    spec,
  };
}
