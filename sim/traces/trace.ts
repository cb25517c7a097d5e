// Load traces: request rate (rps) as a function of simulated time, synthetic shapes and sampled
// series (one value per simulated second), both pure and cheap to query every step.

export interface Trace {
  /** What it is, enough to re-create it (recorded next to results). */
  readonly label: string;
  /** Natural length in simulated seconds (Infinity for shapes defined everywhere). */
  readonly durationSeconds: number;
  /** Expected request rate at simulated time t (≥ 0). */
  rateAt(tSeconds: number): number;
  /** Largest rate over [0, durationSeconds) (or over one period for periodic shapes). */
  readonly peakRps: number;
}

export type SyntheticSpec =
  | { kind: 'steady'; rps: number }
  | { kind: 'step'; fromRps: number; toRps: number; atSeconds: number }
  | { kind: 'ramp'; fromRps: number; toRps: number; startSeconds: number; endSeconds: number }
  | { kind: 'sine'; meanRps: number; amplitudeRps: number; periodSeconds: number; phaseSeconds?: number }
  | {
      kind: 'flash-crowd';
      baseRps: number;
      peakRps: number;
      atSeconds: number;
      riseSeconds: number;
      holdSeconds: number;
      decaySeconds: number;
    };

/** A synthetic shape: steady, step, ramp, sine or flash crowd (linear rise, hold, exponential decay). */
export function syntheticTrace(spec: SyntheticSpec): Trace {
  const label = `synthetic ${JSON.stringify(spec)}`;
  switch (spec.kind) {
    case 'steady':
      return { label, durationSeconds: Infinity, peakRps: spec.rps, rateAt: () => spec.rps };
    case 'step':
      return {
        label,
        durationSeconds: Infinity,
        peakRps: Math.max(spec.fromRps, spec.toRps),
        rateAt: (t) => (t < spec.atSeconds ? spec.fromRps : spec.toRps),
      };
    case 'ramp': {
      const span = Math.max(spec.endSeconds - spec.startSeconds, 1e-9);
      return {
        label,
        durationSeconds: Infinity,
        peakRps: Math.max(spec.fromRps, spec.toRps),
        rateAt: (t) => {
          if (t <= spec.startSeconds) return spec.fromRps;
          if (t >= spec.endSeconds) return spec.toRps;
          return spec.fromRps + ((spec.toRps - spec.fromRps) * (t - spec.startSeconds)) / span;
        },
      };
    }
    case 'sine': {
      const phase = spec.phaseSeconds ?? 0;
      return {
        label,
        durationSeconds: Infinity,
        peakRps: spec.meanRps + Math.abs(spec.amplitudeRps),
        rateAt: (t) =>
          Math.max(
            0,
            spec.meanRps + spec.amplitudeRps * Math.sin((2 * Math.PI * (t + phase)) / spec.periodSeconds),
          ),
      };
    }
    case 'flash-crowd': {
      const { baseRps, peakRps, atSeconds, riseSeconds, holdSeconds, decaySeconds } = spec;
      const holdEnd = atSeconds + riseSeconds + holdSeconds;
      return {
        label,
        durationSeconds: Infinity,
        peakRps: Math.max(baseRps, peakRps),
        rateAt: (t) => {
          if (t < atSeconds) return baseRps;
          if (t < atSeconds + riseSeconds)
            return baseRps + ((peakRps - baseRps) * (t - atSeconds)) / riseSeconds;
          if (t < holdEnd) return peakRps;
          return baseRps + (peakRps - baseRps) * Math.exp(-(t - holdEnd) / Math.max(decaySeconds, 1e-9));
        },
      };
    }
  }
}

/** A series of per-simulated-second rates; beyond its end it wraps around (traces are cyclic). */
export function sampledTrace(label: string, rps: Float64Array): Trace {
  let peak = 0;
  for (const v of rps) if (v > peak) peak = v;
  const n = rps.length;
  return {
    label,
    durationSeconds: n,
    peakRps: peak,
    rateAt: (t) => {
      if (n === 0) return 0;
      const i = Math.floor(t) % n;
      return rps[i < 0 ? i + n : i]!;
    },
  };
}

/** Multiplies a trace's rate (used for the rescale options of synthetic traces too). */
export function scaledTrace(trace: Trace, factor: number): Trace {
  return {
    label: `${trace.label} ×${factor}`,
    durationSeconds: trace.durationSeconds,
    peakRps: trace.peakRps * factor,
    rateAt: (t) => trace.rateAt(t) * factor,
  };
}
