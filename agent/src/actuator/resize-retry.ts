// The agent's memory of failed resize requests: a pod whose request failed is not patched again
// before its backoff has passed — doubling from `initial` to `max`, at once after a conflict, and
// never before a 429's Retry-After.
import type { ResizeFailure } from './resizer.ts';

export interface ResizeBackoff {
  initialMs: number;
  maxMs: number;
}

interface FailedAttempt {
  failures: number;
  retryAtMs: number;
}

export class ResizeRetry {
  readonly #backoff: ResizeBackoff;
  readonly #failed = new Map<string, FailedAttempt>();

  constructor(backoff: ResizeBackoff) {
    this.#backoff = backoff;
  }

  /** When the pod may be patched again; undefined when its last request did not fail. */
  retryAtMs(uid: string): number | undefined {
    return this.#failed.get(uid)?.retryAtMs;
  }

  succeeded(uid: string): void {
    this.#failed.delete(uid);
  }

  /** Records a failed request at `nowMs`; returns the delay before the pod is tried again. */
  failed(uid: string, failure: ResizeFailure, nowMs: number, retryAfterMs?: number): number {
    const failures = (this.#failed.get(uid)?.failures ?? 0) + 1;
    const { initialMs, maxMs } = this.#backoff;
    const backoffMs = failure === 'conflict' ? 0 : Math.min(maxMs, initialMs * 2 ** (failures - 1));
    const delayMs = Math.max(backoffMs, retryAfterMs ?? 0);
    this.#failed.set(uid, { failures, retryAtMs: nowMs + delayMs });
    return delayMs;
  }

  /** Forgets pods that left the node. */
  retain(uids: ReadonlySet<string>): void {
    for (const uid of this.#failed.keys()) if (!uids.has(uid)) this.#failed.delete(uid);
  }
}
