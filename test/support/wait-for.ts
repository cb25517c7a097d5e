// Polling for a condition with a timeout, for tests that wait on asynchronous effects instead of
// sleeping; a probe that throws counts as "not yet" and its last error is named on timeout.

/** Polls `probe` until it returns something other than undefined / false; that value is returned. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${(last as Error).message ?? String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** waitFor() with any falsy value as "not yet", probe first: `waitForTruthy(() => x, 5000, 'x')`. */
export async function waitForTruthy<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  return waitFor(what, async () => (await probe()) || undefined, timeoutMs, 10) as Promise<NonNullable<T>>;
}
