// A scenario with every CPU figure multiplied by one factor: node allocatable, pod sizes, SLA
// bounds and the CPU time per request. Queueing is unchanged (a request's service time at a pod's
// quota is the same), so a scenario written for a cluster fits a smaller machine's real cores.
import { parseDurationSeconds } from '../../lib/duration.ts';
import { formatCpuMilli, parseCpuMilli } from '../../lib/quantity.ts';
import type { ScenarioDocument } from './scenario-file.ts';

const scaleQty = (q: string | number, factor: number) =>
  formatCpuMilli(Math.max(1, Math.round(parseCpuMilli(q) * factor)));

function scaleResources<T extends { cpu?: string | number } | undefined>(r: T, factor: number): T {
  return r?.cpu === undefined ? r : { ...r, cpu: scaleQty(r.cpu, factor) };
}

export function scaleScenarioCpu(doc: ScenarioDocument, factor: number): ScenarioDocument {
  if (!(factor > 0)) throw new Error(`CPU scale must be more than 0, not ${factor}`);
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, allocatable: scaleResources(n.allocatable, factor) })),
    services: doc.services.map((s) => ({
      ...s,
      resources: scaleResources(s.resources, factor),
      workload: {
        ...s.workload,
        cpuPerRequest: `${((parseDurationSeconds(s.workload.cpuPerRequest) ?? Number.NaN) * factor * 1000).toFixed(3)}ms`,
      },
      sla: {
        ...s.sla,
        resources: {
          ...s.sla.resources,
          ...(s.sla.resources.default ? { default: scaleResources(s.sla.resources.default, factor) } : {}),
          min: scaleResources(s.sla.resources.min, factor),
          max: scaleResources(s.sla.resources.max, factor),
        },
      },
    })),
  };
}
