// Per workload: each family's violation-vs-cores points (mean over seeds) and Pareto front, the
// headline comparison of kosmos's front with the HPA variants' front, and the goal check per seed.
import { contenderSpec, type Family } from './contenders.ts';
import type { Figures } from './figures.ts';
import { compareFronts, type FrontPoint, type PointComparison, paretoFront } from './pareto.ts';

/** One run's figures with the workload and seed it ran on. */
export type SeedRun = { workload: string; seed: number; figures: Figures };

export type Point = FrontPoint & { family: Family; vsBound: number; isDefault: boolean };

export type FamilyFront = { family: Family; points: Point[]; front: Point[] };

export const HPA_FAMILIES: readonly Family[] = ['hpa-cpu', 'hpa-cpu-burstable', 'hpa-rt'];

/** HPA settings that miss the SLO more than this share of the time are no one's choice: the goal is
 *  checked against the HPA front's points at or below it (or, when there are none, its best one). */
export const USABLE_VIOLATION_PCT = 10;

/** The HPA front points the goal is checked against (see USABLE_VIOLATION_PCT). */
export function usableFront<P extends FrontPoint>(front: readonly P[]): P[] {
  const usable = front.filter((p) => p.violationPct <= USABLE_VIOLATION_PCT);
  if (usable.length > 0) return usable;
  const best = front.reduce<P | undefined>(
    (b, p) => (!b || p.violationPct < b.violationPct ? p : b),
    undefined,
  );
  return best ? [best] : [];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function point(name: string, coreSeconds: number, violationPct: number, vsBound: number): Point {
  const spec = contenderSpec(name);
  return { name, family: spec.family, coreSeconds, violationPct, vsBound, isDefault: spec.isDefault };
}

/** Each contender's point: mean core-seconds, violation and × bound over the runs given. */
export function meanPoints(runs: readonly SeedRun[]): Point[] {
  const by = new Map<string, Figures[]>();
  for (const r of runs) by.set(r.figures.contender, [...(by.get(r.figures.contender) ?? []), r.figures]);
  return [...by].map(([name, fs]) =>
    point(
      name,
      mean(fs.map((f) => f.coreSeconds)),
      mean(fs.map((f) => f.sloViolationPct)),
      mean(fs.map((f) => f.vsBound)),
    ),
  );
}

export function familyFronts(points: readonly Point[]): FamilyFront[] {
  const families = [...new Set(points.map((p) => p.family))];
  return families.map((family) => {
    const mine = points.filter((p) => p.family === family);
    return { family, points: mine, front: paretoFront(mine) };
  });
}

/** kosmos's points against the front of every HPA variant together (the best HPA at each trade-off). */
export function headline(points: readonly Point[]): PointComparison[] {
  const kosmos = points.filter((p) => p.family === 'kosmos');
  const hpa = paretoFront(points.filter((p) => HPA_FAMILIES.includes(p.family)));
  return kosmos.length > 0 ? compareFronts(kosmos, hpa) : [];
}

export type SeedGoal = { seed: number; met: boolean; defaultMet: boolean; unmetAgainst: string[] };

export type WorkloadGoal = {
  workload: string;
  /** Where its traffic comes from: test / training days, a user's file, or synthetic. */
  split: string;
  /** kosmos vs the HPA front, from the fronts of each seed: met only when met in every seed. */
  vsHpa: {
    goal: string;
    met: boolean;
    /** The same with kosmos's default setting alone (no knob sweep). */
    defaultMet: boolean;
    seeds: SeedGoal[];
  };
  /** kosmos (default) core-seconds / the bound's, over seeds; met when the worst seed is ≤ 1.5. */
  vsBound: { goal: string; mean: number; min: number; max: number; met: boolean };
};

export const BOUND_GOAL = 1.5;

export function workloadGoal(
  workload: string,
  split: string,
  runs: readonly SeedRun[],
): WorkloadGoal | undefined {
  const mine = runs.filter((r) => r.workload === workload);
  const seeds = [...new Set(mine.map((r) => r.seed))];
  const perSeed: SeedGoal[] = [];
  const kosmosVsBound: number[] = [];
  for (const seed of seeds) {
    const points = meanPoints(mine.filter((r) => r.seed === seed));
    const kosmos = points.filter((p) => p.family === 'kosmos');
    const hpa = usableFront(paretoFront(points.filter((p) => HPA_FAMILIES.includes(p.family))));
    const def = kosmos.find((p) => p.isDefault);
    if (!def || hpa.length === 0) continue;
    kosmosVsBound.push(def.vsBound);
    const all = compareFronts(kosmos, hpa);
    perSeed.push({
      seed,
      met: all.every((c) => c.met),
      defaultMet: compareFronts([def], hpa).every((c) => c.met),
      unmetAgainst: all.filter((c) => !c.met).map((c) => c.against.name),
    });
  }
  if (perSeed.length === 0) return undefined;
  const max = Math.max(...kosmosVsBound);
  return {
    workload,
    split,
    vsHpa: {
      goal: `for every point of the HPA variants' Pareto front violating ≤ ${USABLE_VIOLATION_PCT} % (else its least-violating one): kosmos ≤ 1/5 of its violation at ≤ its cores, or ≤ 0.8× its cores at ≤ its violation`,
      met: perSeed.every((s) => s.met),
      defaultMet: perSeed.every((s) => s.defaultMet),
      seeds: perSeed,
    },
    vsBound: {
      goal: `kosmos core-seconds ≤ ${BOUND_GOAL}× the bound's`,
      mean: mean(kosmosVsBound),
      min: Math.min(...kosmosVsBound),
      max,
      met: max <= BOUND_GOAL,
    },
  };
}
