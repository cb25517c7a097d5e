// Integer water-filling: split a whole number of units by weight, nobody above their cap.

/**
 * Splits `total` units among parties in proportion to `weights`, never giving anyone more than
 * their cap; whatever a capped party cannot take is re-shared among the others (water-filling).
 * Shares are integers, Σ shares = min(total, Σ caps) exactly. Parties whose weights are all
 * ≤ 0 get only what the positive-weight parties leave, shared in proportion to their caps.
 */
export function shareByWeight(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const capOf = caps.map((c) => wholeUnits(c));
  const shares = capOf.map(() => 0);
  let remaining = Math.min(
    wholeUnits(total),
    capOf.reduce((sum, c) => sum + c, 0),
  );
  let active = capOf.flatMap((c, i) => (c > 0 ? [i] : []));
  while (remaining > 0 && active.length > 0) {
    const positive = active.filter((i) => positiveWeight(weights[i]) > 0);
    // Zero-weight parties only take leftovers: share among them by cap once the others are full.
    const group = positive.length > 0 ? positive : active;
    const weightOf = (i: number): number =>
      positive.length > 0 ? positiveWeight(weights[i]) : (capOf[i] ?? 0);
    const totalWeight = group.reduce((sum, i) => sum + weightOf(i), 0);
    const full = group.filter((i) => (remaining * weightOf(i)) / totalWeight >= (capOf[i] ?? 0));
    if (full.length > 0) {
      for (const i of full) {
        shares[i] = capOf[i] ?? 0;
        remaining -= capOf[i] ?? 0;
      }
      active = active.filter((i) => !full.includes(i));
      continue;
    }
    const exact = group.map((i) => (remaining * weightOf(i)) / totalWeight);
    const floors = exact.map((x) => Math.floor(x));
    let leftover = remaining - floors.reduce((sum, x) => sum + x, 0);
    group.forEach((i, j) => {
      shares[i] = floors[j] ?? 0;
    });
    // Largest remainders first; ties go to the earlier party (deterministic).
    const order = group
      .map((i, j) => ({ i, fraction: (exact[j] ?? 0) - (floors[j] ?? 0) }))
      .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
    for (const { i } of order) {
      if (leftover <= 0) break;
      if ((shares[i] ?? 0) < (capOf[i] ?? 0)) {
        shares[i] = (shares[i] ?? 0) + 1;
        leftover -= 1;
      }
    }
    remaining = 0;
  }
  return shares;
}

function wholeUnits(x: number): number {
  return Number.isFinite(x) && x > 0 ? Math.floor(x) : 0;
}

function positiveWeight(w: number | undefined): number {
  return w !== undefined && Number.isFinite(w) && w > 0 ? w : 0;
}
