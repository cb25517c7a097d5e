import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../../agent/src/hublink/backoff.ts';

describe('backoffDelayMs', () => {
  const opts = { initialMs: 500, maxMs: 30_000, factor: 2 };
  it.each([
    [0, 0, 250],
    [0, 1, 500],
    [3, 0.5, 3000],
    [20, 1, 30_000],
    [20, 0, 15_000],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, random, opts)).toBe(expected);
  });
});
