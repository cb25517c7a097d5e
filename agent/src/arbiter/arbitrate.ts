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
 * If Σ desired fits, everyone gets desired. Otherwise the capacity is given out in layers, each
 * layer brought up for every pod before the next starts; the layer that does not fit is shared:
 * - `minimum-first` only: first min(minimum, desired), shared in proportion to the minimums;
 * - then min(essential, desired) — what the pod needs to meet its SLO now, without margins —
 *   shared in proportion to what each still needs to reach it (× priority for minimum-first);
 * - then the rest up to desired: `proportional` (KOSMOS) in proportion to what each still wants,
 *   which, with no essential, is capacity · desired_i / Σ desired; `minimum-first` × priority.
 * CPU and memory are arbitrated independently; shares are integers (largest remainder).
 */
export function arbitrate(input: ArbitrationInput): ArbitrationResult {
  const { pods, policy } = input;
  const dimension = (of: (r: Resources) => number) =>
    arbitrateDimension(
      of(input.capacity),
      pods.map((p) => of(p.desired)),
      pods.map((p) => of(p.minimum)),
      pods.map((p) => (p.essential ? of(p.essential) : 0)),
      pods.map((p) => p.priority),
      policy,
    );
  const cpu = dimension((r) => r.cpuMilli);
  const memory = dimension((r) => r.memoryBytes);
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
  essentialRaw: readonly number[],
  priorities: readonly number[],
  policy: ArbitrationPolicyName,
): { granted: number[]; terms: DimensionTerms } {
  const capacity = whole(capacityRaw);
  const desired = desiredRaw.map(whole);
  const minimum = minimumRaw.map((m, i) => Math.min(whole(m), desired[i] ?? 0));
  const essential = essentialRaw.map((e, i) => Math.min(whole(e), desired[i] ?? 0));
  const totalDesired = sum(desired);
  const totalMinimum = sum(minimum);
  const totalEssential = sum(essential);
  const minimumsFit = totalMinimum <= capacity;
  const fits = totalDesired <= capacity;
  const minimumFirst = policy === 'minimum-first';
  const layers: { level: readonly number[]; byPriority: boolean }[] = [
    ...(minimumFirst ? [{ level: minimum, byPriority: false }] : []),
    { level: essential, byPriority: minimumFirst },
    { level: desired, byPriority: minimumFirst },
  ];
  let granted = desired.map(() => 0);
  if (fits) {
    granted = desired;
  } else {
    let remaining = capacity;
    for (const { level, byPriority } of layers) {
      const want = level.map((l, i) => Math.max(0, l - (granted[i] ?? 0)));
      const totalWant = sum(want);
      if (totalWant <= remaining) {
        granted = granted.map((g, i) => g + (want[i] ?? 0));
        remaining -= totalWant;
        continue;
      }
      const weights = byPriority ? want.map((w, i) => w * priorityWeight(priorities[i])) : want;
      const share = shareByWeight(remaining, weights, want);
      granted = granted.map((g, i) => g + (share[i] ?? 0));
      break;
    }
  }
  return {
    granted,
    terms: {
      capacity,
      totalDesired,
      totalMinimum,
      totalEssential,
      totalGranted: sum(granted),
      fits,
      minimumsFit,
    },
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
