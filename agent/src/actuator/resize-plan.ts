// Pure: turns a granted allocation into a pods/resize patch that keeps the pod's QoS class,
// skips changes inside the deadband and never shrinks a memory limit unsafely.
import { formatCpuMilli, formatMemoryBytes } from '../../../lib/quantity.ts';
import type { Allocation, ContainerResources, QosClass } from '../pods/pod-resources.ts';

export interface Deadband {
  /** A change smaller than this percentage of the current value ... */
  percent: number;
  /** ... and smaller than this absolute amount is not worth a resize. */
  cpuMilli: number;
  memoryBytes: number;
}

export type MemoryLimitDecrease = 'allowed' | 'forbidden';

export interface ResizePlanInput {
  container: string;
  qosClass: QosClass;
  current: ContainerResources;
  /** Granted requests; 0 for a resource means "leave it as it is". */
  target: Allocation;
  /** Current memory working set; undefined when unknown (then a memory limit is never lowered). */
  memoryUsageBytes: number | undefined;
  deadband: Deadband;
  memoryLimitDecrease: MemoryLimitDecrease;
}

export interface ResizePatchBody {
  spec: {
    containers: Array<{
      name: string;
      resources: { requests?: Record<string, string>; limits?: Record<string, string> };
    }>;
  };
}

export type SkipReason = 'best-effort' | 'unchanged' | 'deadband';

export type ResizePlan =
  | { kind: 'skip'; reason: SkipReason; memoryCapped: boolean }
  | {
      kind: 'patch';
      body: ResizePatchBody;
      next: ContainerResources;
      /** The requests the patch asks for. */
      requested: Allocation;
      /** True when the memory target was raised (or kept) to stay safe above usage. */
      memoryCapped: boolean;
    };

interface ResourcePlan {
  request?: number;
  limit?: number;
  capped: boolean;
}

/** Scales the limit with the request so a Burstable container keeps its limit/request ratio. */
function scaledLimit(
  qos: QosClass,
  request: number,
  current: { request?: number; limit?: number },
): number | undefined {
  if (current.limit === undefined) return undefined;
  if (qos === 'Guaranteed') return request;
  if (!current.request) return current.limit;
  return Math.ceil((request * current.limit) / current.request);
}

function planCpu(input: ResizePlanInput): ResourcePlan {
  const current = { request: input.current.cpuRequestMilli, limit: input.current.cpuLimitMilli };
  // A request can be changed, not added or removed, in place.
  if (input.target.cpuMilli <= 0 || current.request === undefined) return { ...current, capped: false };
  const request = Math.max(1, Math.round(input.target.cpuMilli));
  return { request, limit: scaledLimit(input.qosClass, request, current), capped: false };
}

function planMemory(input: ResizePlanInput): ResourcePlan {
  const current = { request: input.current.memoryRequestBytes, limit: input.current.memoryLimitBytes };
  if (input.target.memoryBytes <= 0 || current.request === undefined) return { ...current, capped: false };
  let request = Math.round(input.target.memoryBytes);
  let limit = scaledLimit(input.qosClass, request, current);
  let capped = false;
  if (limit !== undefined && current.limit !== undefined && limit < current.limit) {
    const usage = input.memoryUsageBytes;
    if (input.memoryLimitDecrease === 'forbidden' || usage === undefined) {
      limit = current.limit;
      capped = true;
    } else if (limit < usage) {
      limit = Math.min(current.limit, Math.ceil(usage));
      capped = true;
    }
    if (capped) request = Math.min(input.qosClass === 'Guaranteed' ? limit : request, limit);
  }
  return { request, limit, capped };
}

/** A change from `current` to `next` smaller than `abs` and than `pct` % of current: not worth a resize. */
export function insideDeadband(
  next: number | undefined,
  current: number | undefined,
  abs: number,
  pct: number,
): boolean {
  if (next === undefined || current === undefined || next === current) return true;
  const delta = Math.abs(next - current);
  return delta < abs && (current === 0 ? false : (delta / current) * 100 < pct);
}

export function planResize(input: ResizePlanInput): ResizePlan {
  if (input.qosClass === 'BestEffort') return { kind: 'skip', reason: 'best-effort', memoryCapped: false };
  const cpu = planCpu(input);
  const memory = planMemory(input);
  const c = input.current;
  const db = input.deadband;
  const cpuSkip = insideDeadband(cpu.request, c.cpuRequestMilli, db.cpuMilli, db.percent);
  const memSkip = insideDeadband(memory.request, c.memoryRequestBytes, db.memoryBytes, db.percent);
  const cpuSame = cpu.request === c.cpuRequestMilli && cpu.limit === c.cpuLimitMilli;
  const memSame = memory.request === c.memoryRequestBytes && memory.limit === c.memoryLimitBytes;
  if (cpuSame && memSame) return { kind: 'skip', reason: 'unchanged', memoryCapped: memory.capped };
  if (cpuSkip && memSkip) return { kind: 'skip', reason: 'deadband', memoryCapped: memory.capped };
  const next: ContainerResources = {
    cpuRequestMilli: cpuSkip ? c.cpuRequestMilli : cpu.request,
    cpuLimitMilli: cpuSkip ? c.cpuLimitMilli : cpu.limit,
    memoryRequestBytes: memSkip ? c.memoryRequestBytes : memory.request,
    memoryLimitBytes: memSkip ? c.memoryLimitBytes : memory.limit,
  };
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (!cpuSkip) {
    requests['cpu'] = formatCpuMilli(next.cpuRequestMilli!);
    if (next.cpuLimitMilli !== undefined) limits['cpu'] = formatCpuMilli(next.cpuLimitMilli);
  }
  if (!memSkip) {
    requests['memory'] = formatMemoryBytes(next.memoryRequestBytes!);
    if (next.memoryLimitBytes !== undefined) limits['memory'] = formatMemoryBytes(next.memoryLimitBytes);
  }
  const resources: ResizePatchBody['spec']['containers'][number]['resources'] = { requests };
  if (Object.keys(limits).length > 0) resources.limits = limits;
  return {
    kind: 'patch',
    body: { spec: { containers: [{ name: input.container, resources }] } },
    next,
    requested: { cpuMilli: next.cpuRequestMilli ?? 0, memoryBytes: next.memoryRequestBytes ?? 0 },
    memoryCapped: memory.capped,
  };
}
