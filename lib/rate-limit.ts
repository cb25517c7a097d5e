// Token-bucket rate limiter for API writes (client-go's flowcontrol semantics): `burst` tokens,
// refilled at `qps` per second; take() reserves a token and waits for it.

export interface TokenBucketOptions {
  /** Sustained rate in tokens per second (Infinity: unlimited). */
  qps: number;
  /** Bucket size: how many tokens may be taken at once after a quiet period. */
  burst: number;
  /** Clock in milliseconds; default Date.now. */
  now?: () => number;
  /** How to wait; default setTimeout. Tests inject one that advances their clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private tokens: number;
  private lastMs: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.qps > 0)) throw new RangeError(`qps must be > 0, got ${options.qps}`);
    if (!Number.isInteger(options.burst) || options.burst < 1) {
      throw new RangeError(`burst must be an integer >= 1, got ${options.burst}`);
    }
    this.qps = options.qps;
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepMs;
    this.tokens = options.burst;
    this.lastMs = this.now();
  }

  private refill(): void {
    const nowMs = this.now();
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.qps) / 1000);
  }

  /** Tokens available now (negative while waiters hold reservations). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes a token if one is available now; never waits. */
  tryTake(): boolean {
    if (this.qps === Number.POSITIVE_INFINITY) return true;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes a token, waiting until the bucket grants it; rejects (returning the token) on abort. */
  async take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortError(signal);
    if (this.qps === Number.POSITIVE_INFINITY) return;
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens * 1000) / this.qps);
    try {
      await this.sleep(waitMs, signal);
    } catch (err) {
      this.tokens += 1;
      throw err;
    }
  }
}
