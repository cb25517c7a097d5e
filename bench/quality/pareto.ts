// Pareto fronts of violation vs cores: each contender family's knob sweep gives points; the front
// keeps those no other point beats on both. Comparisons read measured points only (no interpolation).

export type FrontPoint = { name: string; coreSeconds: number; violationPct: number };

/** Points not dominated (another with ≤ cores and ≤ violation, one strictly), by cores ascending. */
export function paretoFront<P extends FrontPoint>(points: readonly P[]): P[] {
  const sorted = [...points]
    .filter((p) => Number.isFinite(p.coreSeconds) && Number.isFinite(p.violationPct))
    .sort((a, b) => a.coreSeconds - b.coreSeconds || a.violationPct - b.violationPct);
  const out: P[] = [];
  for (const p of sorted) {
    const last = out.at(-1);
    if (last && last.violationPct <= p.violationPct) continue;
    out.push(p);
  }
  return out;
}

/** The cheapest point violating no more than `violationPct`; undefined when none does. */
export function cheapestAtViolation<P extends FrontPoint>(
  points: readonly P[],
  violationPct: number,
): P | undefined {
  let best: P | undefined;
  for (const p of points) {
    if (p.violationPct <= violationPct && (!best || p.coreSeconds < best.coreSeconds)) best = p;
  }
  return best;
}

/** The least-violating point costing no more than `coreSeconds`; undefined when none does. */
export function bestAtCores<P extends FrontPoint>(points: readonly P[], coreSeconds: number): P | undefined {
  let best: P | undefined;
  for (const p of points) {
    if (p.coreSeconds <= coreSeconds && (!best || p.violationPct < best.violationPct)) best = p;
  }
  return best;
}

export type Goal = { violationRatio: number; coreRatio: number };

/** The goal: ≤ 1/5 of the violation at no more cores, or ≤ 0.8× the cores at no more violation. */
export const FRONT_GOAL: Goal = { violationRatio: 0.2, coreRatio: 0.8 };

export type PointComparison = {
  /** The other family's point. */
  against: FrontPoint;
  /** Ours that is cheapest at no more violation than `against`, and its cores / against's. */
  atItsViolation: { point: FrontPoint; coreRatio: number } | null;
  /** Ours that violates least at no more cores than `against`, and its violation / against's. */
  atItsCores: { point: FrontPoint; violationRatio: number } | null;
  /** Some point of ours has ≤ goal.violationRatio × its violation at ≤ its cores, or ≤ goal.coreRatio ×
   *  its cores at ≤ its violation. */
  met: boolean;
};

const ratio = (a: number, b: number): number => (b > 0 ? a / b : a > 0 ? Number.POSITIVE_INFINITY : 0);

/** Compares our points with every point of the other front (see PointComparison). */
export function compareFronts(
  ours: readonly FrontPoint[],
  theirFront: readonly FrontPoint[],
  goal: Goal = FRONT_GOAL,
): PointComparison[] {
  return theirFront.map((h) => {
    const cheap = cheapestAtViolation(ours, h.violationPct);
    const good = bestAtCores(ours, h.coreSeconds);
    const met = ours.some(
      (k) =>
        (k.coreSeconds <= h.coreSeconds && k.violationPct <= goal.violationRatio * h.violationPct) ||
        (k.violationPct <= h.violationPct && k.coreSeconds <= goal.coreRatio * h.coreSeconds),
    );
    return {
      against: h,
      atItsViolation: cheap ? { point: cheap, coreRatio: ratio(cheap.coreSeconds, h.coreSeconds) } : null,
      atItsCores: good ? { point: good, violationRatio: ratio(good.violationPct, h.violationPct) } : null,
      met,
    };
  });
}
