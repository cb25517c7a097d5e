// Node-contention arbiter: fits the desired allocations of the tracked pods on one node into what
// the node can give them, by the proportional (KOSMOS) or the minimum-first policy.
import type { ArbitrationPolicyName } from '../../../lib/api/types.ts';
import { shareByWeight } from './share.ts';
import type { ArbitrationInput, ArbitrationResult, DimensionTerms, Grant, Resources } from './types.ts';

/**
 * What the tracked pods of a node may use: allocatable − requests of untracked (non-terminated)
 * pods − reserve, per resource, never negative, whole units.
 */
export function nodeCapacity(
  allocatable: Resources,
  untrackedRequests: Resources,
  reserve: Resources,
): Resources {
  const free = (a: number, u: number, r: number): number => Math.max(0, Math.floor(a - u - r));
  return {
    cpuMilli: free(allocatable.cpuMilli, untrackedRequests.cpuMilli, reserve.cpuMilli),
    memoryBytes: free(allocatable.memoryBytes, untrackedRequests.memoryBytes, reserve.memoryBytes),
  };
}

/**
 * Grants per pod such that, per resource, Σ granted ≤ capacity and granted ≤ desired.
 * If Σ desired fits, everyone gets desired. Otherwise:
 * - `proportional` (KOSMOS): granted_i ≈ capacity · desired_i / Σ desired;
 * - `minimum-first`: every pod first gets min(minimum, desired); the rest is water-filled in
 *   proportion to unmet need × priority. If even Σ minimum does not fit, the minimums are
 *   scaled proportionally.
 * CPU and memory are arbitrated independently; shares are integers (largest remainder).
 */
export function arbitrate(input: ArbitrationInput): ArbitrationResult {
  const { pods, policy } = input;
  const cpu = arbitrateDimension(
    input.capacity.cpuMilli,
    pods.map((p) => p.desired.cpuMilli),
    pods.map((p) => p.minimum.cpuMilli),
    pods.map((p) => p.priority),
    policy,
  );
  const memory = arbitrateDimension(
    input.capacity.memoryBytes,
    pods.map((p) => p.desired.memoryBytes),
    pods.map((p) => p.minimum.memoryBytes),
    pods.map((p) => p.priority),
    policy,
  );
  const grants = pods.map((pod, i): Grant => {
    const granted = { cpuMilli: cpu.granted[i] ?? 0, memoryBytes: memory.granted[i] ?? 0 };
    const cappedBy = {
      cpuMilli: Math.max(0, whole(pod.desired.cpuMilli) - granted.cpuMilli),
      memoryBytes: Math.max(0, whole(pod.desired.memoryBytes) - granted.memoryBytes),
    };
    const capped = cappedBy.cpuMilli > 0 || cappedBy.memoryBytes > 0;
    return { key: pod.key, granted, cappedBy, capped, reason: capped ? 'NodeContention' : 'None' };
  });
  return { grants, terms: { policy, pods: pods.length, cpu: cpu.terms, memory: memory.terms } };
}

function arbitrateDimension(
  capacityRaw: number,
  desiredRaw: readonly number[],
  minimumRaw: readonly number[],
  priorities: readonly number[],
  policy: ArbitrationPolicyName,
): { granted: number[]; terms: DimensionTerms } {
  const capacity = whole(capacityRaw);
  const desired = desiredRaw.map(whole);
  const minimum = minimumRaw.map((m, i) => Math.min(whole(m), desired[i] ?? 0));
  const totalDesired = sum(desired);
  const totalMinimum = sum(minimum);
  const minimumsFit = totalMinimum <= capacity;
  const fits = totalDesired <= capacity;
  let granted: number[];
  if (fits) {
    granted = desired;
  } else if (policy === 'proportional') {
    granted = shareByWeight(capacity, desired, desired);
  } else if (!minimumsFit) {
    granted = shareByWeight(capacity, minimum, minimum);
  } else {
    const need = desired.map((d, i) => d - (minimum[i] ?? 0));
    const weights = need.map((n, i) => n * priorityWeight(priorities[i]));
    const extra = shareByWeight(capacity - totalMinimum, weights, need);
    granted = minimum.map((m, i) => m + (extra[i] ?? 0));
  }
  return {
    granted,
    terms: { capacity, totalDesired, totalMinimum, totalGranted: sum(granted), fits, minimumsFit },
  };
}

/** Priority as a weight: default 1 when unset or not a number; ≤ 0 means leftovers only. */
function priorityWeight(priority: number | undefined): number {
  if (priority === undefined || !Number.isFinite(priority)) return 1;
  return Math.max(0, priority);
}

function whole(x: number): number {
  return Number.isFinite(x) && x > 0 ? Math.floor(x) : 0;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
