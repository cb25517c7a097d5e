// The wiring every embedded controller shares: store changes → keys on a deduplicating WorkQueue
// → reconcile(key), run after the write that caused them. Controllers say what a change means
// (observe) and what to do for a key (reconcile); start/stop subscribe and drain.
import type { Logger } from '../../../lib/log.ts';
import type { Store, StoreEvent } from '../store.ts';
import { WorkQueue } from './queue.ts';

export interface Reconciler {
  /** Map one store change to keys: queue.add(key), queue.addAfter(key, ms). */
  observe(ev: StoreEvent, queue: WorkQueue): void;
  /** Bring one key to its desired state; a throw is logged and the key retried. */
  reconcile(key: string): void;
}

export class StoreController {
  readonly queue: WorkQueue;
  private readonly store: Store;
  private readonly onChange: (ev: StoreEvent) => void;

  constructor(store: Store, log: Logger, reconciler: Reconciler) {
    this.store = store;
    this.queue = new WorkQueue((key) => reconciler.reconcile(key), log);
    this.onChange = (ev) => reconciler.observe(ev, this.queue);
  }

  start(): void {
    this.store.on('change', this.onChange);
  }

  stop(): void {
    this.store.off('change', this.onChange);
    this.queue.stop();
  }
}
