// End of step 6 of the default law: the SLA's [min, max] for CPU and memory; the cut is reported (the
// hub's "capped by SLA").
import type { RecommenderConfig, Resources } from '../types.ts';
import { boundBy } from '../util.ts';

export interface SlaBounded {
  cpu: ReturnType<typeof boundBy>;
  memory: ReturnType<typeof boundBy>;
}

export function slaBounds(
  config: Pick<RecommenderConfig, 'minCpuMilli' | 'maxCpuMilli' | 'minMemoryBytes' | 'maxMemoryBytes'>,
  unbounded: Resources,
): SlaBounded {
  return {
    cpu: boundBy(unbounded.cpuMilli, config.minCpuMilli, config.maxCpuMilli),
    memory: boundBy(unbounded.memoryBytes, config.minMemoryBytes, config.maxMemoryBytes),
  };
}
