// Events expire a fixed time after their last write, as kube-apiserver's --event-ttl (1 h; an
// etcd lease on every Event write): watchers see them DELETED, lists stop showing them.
import type { Logger } from '../../../lib/log.ts';
import type { ObjectApi } from '../objects.ts';
import { nsName, splitKey } from './queue.ts';
import { StoreController } from './store-controller.ts';

export const DEFAULT_EVENT_TTL_MS = 60 * 60_000;

export class EventTtl {
  private readonly api: ObjectApi;
  private readonly controller: StoreController;
  private readonly ttlMs: number;
  /** Event key → when it was last written (ms since epoch). */
  private readonly written = new Map<string, number>();

  constructor(api: ObjectApi, log: Logger, ttlMs: number = DEFAULT_EVENT_TTL_MS) {
    this.api = api;
    this.ttlMs = ttlMs;
    this.controller = new StoreController(api.store, log, {
      observe: (ev, queue) => {
        if (ev.resource !== '/events') return;
        const key = nsName(ev.object.metadata.namespace, ev.object.metadata.name!);
        if (ev.type === 'DELETED') {
          this.written.delete(key);
          return;
        }
        this.written.set(key, Date.now());
        queue.addAfter(key, this.ttlMs);
      },
      reconcile: (key) => {
        const at = this.written.get(key);
        if (at === undefined) return;
        const left = at + this.ttlMs - Date.now();
        if (left > 0) return; // written again since: its own timer is pending
        const [namespace, name] = splitKey(key);
        const events = this.api.registry.byPlural('', 'events');
        if (this.api.tryGet(events, namespace, name)) this.api.delete(events, namespace, name);
      },
    });
  }

  start(): void {
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
  }
}
