// When the hub's control passes run: every periodMs (start to start), and early when a report needs
// an answer now (kick: a pod pegged at its quota). Passes never overlap and start at least minGapMs
// apart, so urgent reports raise the pass rate to at most periodMs/minGapMs times the period's.

export interface PassSchedulerDeps {
  periodMs: number;
  /** Least time between the starts of two passes, kicked or not. */
  minGapMs: number;
  /** One pass; its failure is the caller's to log (the next pass runs anyway). */
  run: () => Promise<void>;
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
}

export class PassScheduler {
  readonly #d: PassSchedulerDeps;
  #timer: unknown;
  #timerAtMs = Number.POSITIVE_INFINITY;
  #running: Promise<void> | undefined;
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #stopped = true;
  /** Kicks waiting for the next pass to start; then for that pass to end. */
  #waiting: Array<() => void> = [];
  #kicked = false;

  constructor(deps: PassSchedulerDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#stopped = false;
    this.#lastStartMs = this.#d.now();
    this.#arm(this.#d.periodMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#disarm();
    await this.#running;
    for (const wake of this.#waiting.splice(0)) wake();
  }

  /** A pass now, after the running one (tests, tools); resolves when it ended. */
  runNow(): Promise<void> {
    const done = new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (!this.#running) void this.#pass();
    else this.#kicked = true;
    return done;
  }

  /**
   * A pass as soon as the gap allows (at once when none ran for minGapMs); resolves when a pass that
   * started after this call has ended — its plans then reflect what was known at the call.
   */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (this.#running) this.#kicked = true;
    else this.#arm(this.#lastStartMs + this.#d.minGapMs - this.#d.now());
    return done;
  }

  #arm(delayMs: number): void {
    if (this.#stopped) return;
    const at = this.#d.now() + Math.max(0, delayMs);
    if (this.#timer !== undefined && this.#timerAtMs <= at) return;
    this.#disarm();
    this.#timerAtMs = at;
    this.#timer = this.#d.setTimer(
      () => {
        this.#timer = undefined;
        this.#timerAtMs = Number.POSITIVE_INFINITY;
        void this.#pass();
      },
      Math.max(0, delayMs),
    );
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#d.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#timerAtMs = Number.POSITIVE_INFINITY;
  }

  async #pass(): Promise<void> {
    this.#disarm();
    this.#kicked = false;
    const waiters = this.#waiting.splice(0);
    const startedMs = this.#d.now();
    this.#lastStartMs = startedMs;
    const run = this.#d.run().catch(() => undefined);
    this.#running = run;
    await run;
    this.#running = undefined;
    for (const wake of waiters) wake();
    if (this.#stopped) {
      for (const wake of this.#waiting.splice(0)) wake();
      return;
    }
    const sinceStart = this.#d.now() - startedMs;
    this.#arm(
      this.#kicked || this.#waiting.length > 0
        ? this.#d.minGapMs - sinceStart
        : this.#d.periodMs - sinceStart,
    );
  }
}
