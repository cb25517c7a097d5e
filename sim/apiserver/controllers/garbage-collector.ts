// Garbage collection by ownerReferences: when an owner is deleted, dependents whose owners are
// all gone are deleted too (background propagation; finalizers still hold them).
import type { Logger } from '../../../lib/log.ts';
import type { KObject } from '../object-types.ts';
import type { ObjectApi } from '../objects.ts';
import type { Store, StoreEvent } from '../store.ts';
import { WorkQueue } from './queue.ts';

export class GarbageCollector {
  private readonly api: ObjectApi;
  private readonly store: Store;
  private readonly queue: WorkQueue;
  private readonly log: Logger;
  private readonly live = new Set<string>();
  private readonly onChange = (ev: StoreEvent) => this.observe(ev);

  constructor(api: ObjectApi, log: Logger) {
    this.api = api;
    this.store = api.store;
    this.log = log;
    this.queue = new WorkQueue((uid) => this.collect(uid), log);
  }

  start(): void {
    for (const [, o] of this.store.entries()) this.live.add(o.metadata.uid!);
    this.store.on('change', this.onChange);
  }

  stop(): void {
    this.store.off('change', this.onChange);
    this.queue.stop();
  }

  private observe(ev: StoreEvent): void {
    const uid = ev.object.metadata.uid!;
    if (ev.type === 'DELETED') {
      this.live.delete(uid);
      this.queue.add(uid);
    } else this.live.add(uid);
  }

  private collect(ownerUid: string): void {
    const dependents: [string, KObject][] = [];
    for (const [resource, o] of this.store.entries()) {
      const refs = o.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === ownerUid)) continue;
      if (refs.some((r) => this.live.has(r.uid))) continue;
      if (o.metadata.deletionTimestamp) continue;
      dependents.push([resource, o]);
    }
    for (const [resource, o] of dependents) {
      const [group, plural] = resource.split('/') as [string, string];
      const t = this.api.registry.byPlural(group, plural);
      this.log.debug(
        { owner: ownerUid, kind: t.kind, name: o.metadata.name },
        'deleting dependent of deleted owner',
      );
      this.api.delete(t, o.metadata.namespace, o.metadata.name!);
    }
  }
}
