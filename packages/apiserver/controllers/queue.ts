// A deduplicating work queue for controllers: keys are processed after the current store write
// has finished (never re-entrantly inside a change event), failures retried with a short delay.
import type { Logger } from '../../../lib/log.ts';

export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handler: (key: string) => void;
  private readonly log: Logger;
  private readonly retryMs: number;

  constructor(handler: (key: string) => void, log: Logger, retryMs = 100) {
    this.handler = handler;
    this.log = log;
    this.retryMs = retryMs;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Process `key` again after `ms`. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.handler(key);
      } catch (err) {
        this.log.warn({ err, key }, 'reconcile failed; retrying');
        this.addAfter(key, this.retryMs);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending.clear();
  }
}

export function nsName(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
