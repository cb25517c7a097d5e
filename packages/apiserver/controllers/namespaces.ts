// Namespace lifecycle: the default namespaces, a `default` ServiceAccount in each, and deletion
// (Terminating: delete every namespaced object, then drop the namespace).
import type { Logger } from '../../../lib/log.ts';
import type { KObject } from '../object-types.ts';
import type { ObjectApi } from '../objects.ts';
import { storageKey } from '../registry.ts';
import { StoreController } from './store-controller.ts';

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class NamespaceController {
  private readonly api: ObjectApi;
  private readonly controller: StoreController;
  private readonly log: Logger;

  constructor(api: ObjectApi, log: Logger) {
    this.api = api;
    this.log = log;
    this.controller = new StoreController(api.store, log, {
      observe: (ev, queue) => {
        if (ev.resource === '/namespaces' && ev.type !== 'DELETED') queue.add(ev.object.metadata.name!);
        else if (ev.type === 'DELETED' && ev.object.metadata.namespace)
          queue.add(ev.object.metadata.namespace);
      },
      reconcile: (name) => this.reconcile(name),
    });
  }

  /** Create the default namespaces synchronously, then follow changes. */
  start(): void {
    const nsType = this.api.registry.byPlural('', 'namespaces');
    for (const name of DEFAULT_NAMESPACES) {
      if (!this.api.tryGet(nsType, undefined, name)) this.api.create(nsType, { metadata: { name } });
      this.ensureServiceAccount(name);
    }
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
  }

  private ensureServiceAccount(namespace: string): void {
    const sa = this.api.registry.byPlural('', 'serviceaccounts');
    if (!this.api.tryGet(sa, namespace, 'default'))
      this.api.create(sa, { metadata: { name: 'default', namespace } });
  }

  private reconcile(name: string): void {
    const nsType = this.api.registry.byPlural('', 'namespaces');
    const ns = this.api.tryGet(nsType, undefined, name);
    if (!ns) return;
    if (!ns.metadata.deletionTimestamp) {
      this.ensureServiceAccount(name);
      return;
    }
    if (ns.status?.phase !== 'Terminating') {
      ns.status = { ...ns.status, phase: 'Terminating' };
      this.api.update(nsType, ns, 'status');
    }
    const remaining = this.deleteContents(name);
    if (remaining === 0) {
      this.log.info({ namespace: name }, 'namespace emptied; finalizing');
      this.api.store.remove(storageKey(nsType), undefined, name);
    }
  }

  /** Delete every object in the namespace; returns how many still exist (held by finalizers). */
  private deleteContents(namespace: string): number {
    let remaining = 0;
    const seen = new Set<string>();
    for (const t of this.api.registry.all()) {
      if (!t.namespaced || t.virtual || seen.has(storageKey(t))) continue;
      seen.add(storageKey(t));
      for (const o of this.api.store.list(storageKey(t), namespace) as KObject[]) {
        remaining++;
        if (!o.metadata.deletionTimestamp) this.api.delete(t, namespace, o.metadata.name!);
      }
    }
    let left = 0;
    for (const key of seen) left += this.api.store.list(key, namespace).length;
    return Math.min(remaining, left);
  }
}
