import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../lib/backoff.ts';

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

describe('backoffDelayMs with the default factor', () => {
  const opts = { initialMs: 1000, maxMs: 30_000 };
  it.each([
    [0, 500, 1000],
    [1, 1000, 2000],
    [4, 8000, 16_000],
    [5, 15_000, 30_000],
    [50, 15_000, 30_000],
  ])('attempt %d waits between %d and %d ms', (attempt, lo, hi) => {
    expect(backoffDelayMs(attempt, 0, opts)).toBe(lo);
    expect(backoffDelayMs(attempt, 1, opts)).toBe(hi);
  });
});
