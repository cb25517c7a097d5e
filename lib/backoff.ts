// Pure: capped exponential backoff with full jitter, so clients that failed at the same instant
// (a fleet of agents losing the hub, informers losing the API server) do not retry in lockstep.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt; default 2. */
  factor?: number;
}

/** Delay before attempt `attempt` (0-based); `random` in [0, 1] picks within [ceiling/2, ceiling]. */
export function backoffDelayMs(attempt: number, random: number, options: BackoffOptions): number {
  const exponent = Math.min(Math.max(0, attempt), 64);
  const ceiling = Math.min(options.maxMs, options.initialMs * (options.factor ?? 2) ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
