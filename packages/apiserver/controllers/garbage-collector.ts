// Garbage collection by ownerReferences. Background: when an owner is gone, dependents whose
// owners are all gone are deleted. Foreground: an owner marked with the foregroundDeletion
// finalizer has its dependents deleted (in the foreground too) and keeps the finalizer until no
// dependent with blockOwnerDeletion is left; then it goes.
import type { Logger } from '../../../lib/log.ts';
import type { KObject } from '../object-types.ts';
import { FOREGROUND_FINALIZER, type ObjectApi } from '../objects.ts';
import type { ResourceType } from '../registry.ts';
import type { Store, StoreEvent } from '../store.ts';
import { StoreController } from './store-controller.ts';

interface Ref {
  resource: string;
  namespace?: string;
  name: string;
}

function inForeground(o: KObject): boolean {
  return !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER);
}

export class GarbageCollector {
  private readonly api: ObjectApi;
  private readonly store: Store;
  private readonly controller: StoreController;
  private readonly log: Logger;
  /** uid → where the object lives, for every stored object. */
  private readonly live = new Map<string, Ref>();

  constructor(api: ObjectApi, log: Logger) {
    this.api = api;
    this.store = api.store;
    this.log = log;
    this.controller = new StoreController(api.store, log, {
      observe: (ev) => this.observe(ev),
      reconcile: (key) => this.process(key),
    });
  }

  start(): void {
    for (const [resource, o] of this.store.entries()) this.remember(resource, o);
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
  }

  private remember(resource: string, o: KObject): void {
    this.live.set(o.metadata.uid!, { resource, namespace: o.metadata.namespace, name: o.metadata.name! });
  }

  private observe(ev: StoreEvent): void {
    const o = ev.object;
    const uid = o.metadata.uid!;
    if (ev.type === 'DELETED') {
      this.live.delete(uid);
      this.controller.queue.add(`gone:${uid}`);
    } else {
      this.remember(ev.resource, o);
      if (inForeground(o)) this.controller.queue.add(`fg:${uid}`);
    }
    // A dependent changed or went: its owners deleting in the foreground may be done waiting.
    for (const r of o.metadata.ownerReferences ?? [])
      if (this.live.has(r.uid)) this.controller.queue.add(`fg:${r.uid}`);
  }

  private process(key: string): void {
    const [kind, uid] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'gone') this.collectOrphans(uid);
    else this.foreground(uid);
  }

  private typeOf(resource: string): ResourceType {
    const [group, plural] = resource.split('/') as [string, string];
    return this.api.registry.byPlural(group, plural);
  }

  private dependentsOf(uid: string): [string, KObject][] {
    const out: [string, KObject][] = [];
    for (const [resource, o] of this.store.entries()) {
      if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) out.push([resource, o]);
    }
    return out;
  }

  /** Background propagation: delete dependents whose owners are all gone. */
  private collectOrphans(ownerUid: string): void {
    for (const [resource, o] of this.dependentsOf(ownerUid)) {
      if (o.metadata.deletionTimestamp) continue;
      if ((o.metadata.ownerReferences ?? []).some((r) => this.live.has(r.uid))) continue;
      const t = this.typeOf(resource);
      this.log.debug(
        { owner: ownerUid, kind: t.kind, name: o.metadata.name },
        'deleting dependent of deleted owner',
      );
      this.api.delete(t, o.metadata.namespace, o.metadata.name!);
    }
  }

  /** Foreground propagation: delete dependents; drop the finalizer once no blocking one is left. */
  private foreground(ownerUid: string): void {
    const ref = this.live.get(ownerUid);
    if (!ref) return;
    const t = this.typeOf(ref.resource);
    const owner = this.api.tryGet(t, ref.namespace, ref.name);
    if (!owner || !inForeground(owner)) return;
    let blocking = 0;
    for (const [resource, o] of this.dependentsOf(ownerUid)) {
      const toOwner = o.metadata.ownerReferences!.find((r) => r.uid === ownerUid)!;
      if (toOwner.blockOwnerDeletion) blocking++;
      if (o.metadata.deletionTimestamp) continue;
      this.api.delete(this.typeOf(resource), o.metadata.namespace, o.metadata.name!, {
        propagationPolicy: 'Foreground',
      });
    }
    if (blocking > 0) return;
    owner.metadata.finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER);
    this.log.debug({ kind: t.kind, name: ref.name }, 'foreground deletion done');
    this.api.update(t, owner);
  }
}
