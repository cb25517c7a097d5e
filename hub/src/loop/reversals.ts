// Counts decision reversals, the symptom of flapping: a pod's desired CPU moves one way and then back
// the other way within REVERSAL_WINDOW_SECONDS of that move. Pure state, the caller passes the time.

/**
 * A move back within this long of the previous move is a reversal. Long enough to span several
 * evidence horizons (5 s) and agent ticks; a load that really turns around within it is counted too,
 * which is why this is a counter to watch, not a rule that blocks anything.
 */
export const REVERSAL_WINDOW_SECONDS = 30;

export interface Reversal {
  /** The desired CPU before the previous move, before this one and now, millicores. */
  cpuMilli: [number, number, number];
  /** How long after the previous move this one came, ms. */
  afterMs: number;
}

interface PodMoves {
  cpuMilli: number;
  /** +1 up, −1 down: the direction of the last move, and when it was made. */
  direction?: 1 | -1;
  fromCpuMilli?: number;
  movedAtMs?: number;
}

export class ReversalTracker {
  readonly #pods = new Map<string, PodMoves>();
  readonly #windowMs: number;

  constructor(windowSeconds = REVERSAL_WINDOW_SECONDS) {
    this.#windowMs = windowSeconds * 1000;
  }

  /** Records the pod's desired CPU of this pass; the reversal when it moved back within the window. */
  observe(key: string, cpuMilli: number, nowMs: number): Reversal | undefined {
    const last = this.#pods.get(key);
    if (!last) {
      this.#pods.set(key, { cpuMilli });
      return undefined;
    }
    if (cpuMilli === last.cpuMilli) return undefined;
    const direction = cpuMilli > last.cpuMilli ? 1 : -1;
    const reversed =
      last.direction !== undefined &&
      last.direction !== direction &&
      last.movedAtMs !== undefined &&
      nowMs - last.movedAtMs <= this.#windowMs;
    const reversal: Reversal | undefined = reversed
      ? {
          cpuMilli: [last.fromCpuMilli ?? last.cpuMilli, last.cpuMilli, cpuMilli],
          afterMs: nowMs - (last.movedAtMs ?? nowMs),
        }
      : undefined;
    this.#pods.set(key, { cpuMilli, direction, fromCpuMilli: last.cpuMilli, movedAtMs: nowMs });
    return reversal;
  }

  /** Forgets pods not in `keys`. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.#pods.keys()) if (!keys.has(key)) this.#pods.delete(key);
  }
}
