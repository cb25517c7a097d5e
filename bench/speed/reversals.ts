// How often a desired value turns back: of the changes in sampled per-pod series, the share that
// reverse the pod's previous change within a window (a flap an operator sees as churn).

export interface Sample {
  key: string;
  atMs: number;
  value: number;
}

export interface Reversals {
  changes: number;
  reversals: number;
  /** reversals / changes × 100; 0 when nothing changed. */
  percent: number;
}

/** Samples in any order; each key's series is read in time order. */
export function reversalsWithin(samples: readonly Sample[], windowMs: number): Reversals {
  const byKey = new Map<string, Sample[]>();
  for (const s of samples) {
    const list = byKey.get(s.key);
    if (list) list.push(s);
    else byKey.set(s.key, [s]);
  }
  let changes = 0;
  let reversals = 0;
  for (const series of byKey.values()) {
    series.sort((a, b) => a.atMs - b.atMs);
    let lastValue = series[0]?.value ?? 0;
    let lastSign = 0;
    let lastChangeMs = Number.NEGATIVE_INFINITY;
    for (let i = 1; i < series.length; i++) {
      const s = series[i] as Sample;
      if (s.value === lastValue) continue;
      const sign = Math.sign(s.value - lastValue);
      changes++;
      if (lastSign !== 0 && sign !== lastSign && s.atMs - lastChangeMs <= windowMs) reversals++;
      lastValue = s.value;
      lastSign = sign;
      lastChangeMs = s.atMs;
    }
  }
  return { changes, reversals, percent: changes > 0 ? (100 * reversals) / changes : 0 };
}
