// Pure: capped exponential backoff with full jitter, so a fleet of agents that lost the hub at
// the same instant does not reconnect in lockstep.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

/** Delay before attempt `attempt` (0-based); `random` in [0, 1) picks within [ceiling/2, ceiling). */
export function backoffDelayMs(
  attempt: number,
  random: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
