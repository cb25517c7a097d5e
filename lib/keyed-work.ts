// Per-object API work off a control loop's critical path: at most one call per key (a pod, an SLA)
// at a time, at most `limit` at once; the loop starts work, waits for it a bounded time, and picks
// up what finished later on a later pass. A hung call holds its own key only.
import type { Logger } from './log.ts';

export interface KeyedWorkOptions {
  /** Calls running at once; more wait in order of submission. */
  limit: number;
  log: Logger;
}

interface Pending {
  key: string;
  fn: () => Promise<void>;
  resolve: () => void;
}

export class KeyedWork {
  readonly #limit: number;
  readonly #log: Logger;
  /** Keys submitted and not finished (waiting or running). */
  readonly #busy = new Set<string>();
  readonly #queue: Pending[] = [];
  /** Unfinished work submitted since the last settle(). */
  #sinceSettle = new Set<Promise<void>>();
  #running = 0;
  readonly #idleWaiters: Array<() => void> = [];

  constructor(options: KeyedWorkOptions) {
    if (!(options.limit >= 1)) throw new RangeError(`limit must be >= 1, got ${options.limit}`);
    this.#limit = options.limit;
    this.#log = options.log;
  }

  /** Whether work for `key` is waiting or running. */
  busy(key: string): boolean {
    return this.#busy.has(key);
  }

  /** Calls waiting or running. */
  get size(): number {
    return this.#busy.size;
  }

  /**
   * Runs `fn` for `key` now or when a slot frees, unless work for `key` is already waiting or
   * running (then undefined: the caller tries again on its next pass if still needed). The promise
   * resolves when `fn` finished; it never rejects (`fn` handles its own errors; others are logged).
   */
  submit(key: string, fn: () => Promise<void>): Promise<void> | undefined {
    if (this.#busy.has(key)) return undefined;
    this.#busy.add(key);
    const done = new Promise<void>((resolve) => {
      this.#queue.push({ key, fn, resolve });
      this.#pump();
    });
    const since = this.#sinceSettle;
    since.add(done);
    void done.then(() => since.delete(done));
    return done;
  }

  /**
   * Waits at most `ms` for the work submitted since the last settle() (a loop's pass); true when
   * all of it finished. What still runs goes on and is picked up on a later pass.
   */
  settle(ms: number): Promise<boolean> {
    const started = [...this.#sinceSettle];
    this.#sinceSettle = new Set();
    return settleWithin(started, ms);
  }

  /** Resolves when nothing is waiting or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#busy.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.#limit && this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      this.#running++;
      void this.#run(next);
    }
  }

  async #run({ key, fn, resolve }: Pending): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.#log.error({ err, key }, 'background API work failed');
    } finally {
      this.#running--;
      this.#busy.delete(key);
      resolve();
      this.#pump();
      if (this.#busy.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }
}

/**
 * Waits until every promise settled or `ms` passed, whichever comes first; true when all settled.
 * What is still running goes on; its effects are picked up later.
 */
export async function settleWithin(
  promises: ReadonlyArray<Promise<unknown> | undefined>,
  ms: number,
): Promise<boolean> {
  const live = promises.filter((p): p is Promise<unknown> => p !== undefined);
  if (live.length === 0) return true;
  let timer: NodeJS.Timeout | undefined;
  const all = Promise.allSettled(live).then(() => true);
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([all, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
