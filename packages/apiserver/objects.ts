// API semantics over the raw store: create (generateName, uid, defaults, validation), update
// (409 on stale resourceVersion, status/spec split, generation), delete (finalizers, preconditions).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ApiError, alreadyExists, badRequest, CauseReason, conflict, invalid, notFound } from './errors.ts';
import { clone, type FieldError, type Json, type KObject, nowTimestamp } from './object-types.ts';
import { apiVersionOf, type Registry, type ResourceType, storageKey } from './registry.ts';
import { type Selection, selects } from './selectors.ts';
import type { Store } from './store.ts';
import { validateObjectMeta } from './validation.ts';

/** Per-kind behaviour: defaults, validation and deletion rules (the real server's "strategy"). */
export interface Strategy {
  prepareCreate?(obj: KObject, api: ObjectApi): void;
  /** The object an update stores, from the request's and the stored one (main and resize). */
  prepareUpdate?(next: KObject, old: KObject, target: UpdateTarget): KObject;
  /** `requestType`: the served version the request came through (events validate by it). */
  validateCreate?(obj: KObject, requestType: ResourceType): FieldError[];
  /** Called for main-resource and resize updates (not status). */
  validateUpdate?(obj: KObject, old: KObject, target: UpdateTarget, requestType: ResourceType): FieldError[];
  /** True to keep the object (marked for deletion) instead of removing it now. */
  deferDelete?(obj: KObject): boolean;
  /** Seconds the object stays Terminating before removal (pods); 0 or absent: none. */
  gracePeriod?(obj: KObject, requested: number | undefined): number;
}

/** The finalizer of foreground deletion: the garbage collector removes it once dependents are gone. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type UpdateTarget = 'main' | 'status' | 'resize';

export interface WriteOptions {
  dryRun?: boolean;
  /** metadata.managedFields to store (server-side apply and field ownership); absent: kept. */
  managedFields?: Json[];
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Overrides the object's grace period (pods); 0 deletes at once. */
  gracePeriodSeconds?: number;
  /** The legacy field; false asks for a 202 while deletion is pending. */
  orphanDependents?: boolean;
}

/** etcd's default max request size: larger objects cannot be stored. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

function checkSize(obj: KObject): void {
  if (Buffer.byteLength(JSON.stringify(obj)) > MAX_OBJECT_BYTES) {
    throw new ApiError(413, 'RequestEntityTooLarge', 'etcdserver: request is too large');
  }
}

/** ValidateObjectMetaUpdate: no finalizer may be added once deletion has started. */
function newFinalizersWhileDeleting(next: KObject, old: KObject): FieldError[] {
  if (!old.metadata.deletionTimestamp) return [];
  const before = new Set(old.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  return [
    {
      field: 'metadata.finalizers',
      reason: CauseReason.Forbidden,
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
    },
  ];
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

function toCauses(errors: FieldError[]) {
  return errors.map((e) => ({ reason: e.reason, message: e.message, field: e.field }));
}

function withoutVolatile(o: KObject): KObject {
  const c = clone(o);
  delete c.metadata.resourceVersion;
  // Ownership changes are writes; their timestamps alone are not.
  if (c.metadata.managedFields)
    c.metadata.managedFields = c.metadata.managedFields.map(({ time: _t, ...e }: Json) => e);
  return c;
}

function specPart(o: KObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

export class ObjectApi {
  readonly store: Store;
  readonly registry: Registry;
  private readonly strategies: Map<string, Strategy>;

  constructor(store: Store, registry: Registry, strategies: Map<string, Strategy>) {
    this.store = store;
    this.registry = registry;
    this.strategies = strategies;
  }

  private strategy(t: ResourceType): Strategy {
    return this.strategies.get(storageKey(t)) ?? {};
  }

  private stamp(t: ResourceType, obj: KObject): KObject {
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    return obj;
  }

  /** The type whose shape the objects of `t` are stored in (itself, or the version it converts to). */
  private storedType(t: ResourceType): ResourceType {
    return t.storedAs ? this.registry.byPlural(t.storedAs.group, t.storedAs.plural) : t;
  }

  /** A stored object as the version `t` serves it (a new top level; nested values are shared). */
  present(t: ResourceType, stored: KObject): KObject {
    return this.stamp(t, t.storedAs ? t.storedAs.fromStored(stored) : { ...stored });
  }

  /** A request's object in the stored shape. */
  private toStored(t: ResourceType, obj: KObject): KObject {
    return this.stamp(this.storedType(t), t.storedAs ? t.storedAs.toStored(obj) : obj);
  }

  private getStored(t: ResourceType, namespace: string | undefined, name: string): KObject {
    const o = this.store.get(storageKey(t), t.namespaced ? namespace : undefined, name);
    if (!o) throw notFound(t, name);
    return o;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KObject {
    return this.present(t, this.getStored(t, namespace, name));
  }

  tryGet(t: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.store.get(storageKey(t), t.namespaced ? namespace : undefined, name);
    return o ? this.present(t, o) : undefined;
  }

  list(t: ResourceType, sel: Selection): KObject[] {
    const items = this.store.list(storageKey(t), t.namespaced ? sel.namespace : undefined);
    return items.filter((o) => selects(sel, o)).map((o) => this.present(t, o));
  }

  /** The objects as they were at resourceVersion `rv` (410 when it is compacted away). */
  listAt(t: ResourceType, sel: Selection, rv: number): KObject[] {
    const items = this.store.listAt(storageKey(t), rv, t.namespaced ? sel.namespace : undefined);
    return items.filter((o) => selects(sel, o)).map((o) => this.present(t, o));
  }

  create(t: ResourceType, input: KObject, opts: WriteOptions = {}): KObject {
    const obj = this.toStored(t, clone(input));
    obj.metadata ??= {};
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!meta.name) {
      throw invalid(t, '', [
        {
          field: 'metadata.name',
          reason: CauseReason.Required,
          message: 'Required value: name or generateName is required',
        },
      ]);
    }
    if (t.namespaced) {
      if (!meta.namespace) throw badRequest('the namespace of the object must be set');
      const nsType = this.registry.byPlural('', 'namespaces');
      const ns = this.store.get(storageKey(nsType), undefined, meta.namespace);
      if (!ns) throw notFound(nsType, meta.namespace);
      if (ns.metadata.deletionTimestamp) {
        throw new ApiError(
          403,
          'Forbidden',
          `${t.plural} "${meta.name}" is forbidden: unable to create new content in namespace ${meta.namespace} because it is being terminated`,
        );
      }
    } else delete meta.namespace;
    if (this.store.get(storageKey(t), meta.namespace, meta.name)) throw alreadyExists(t, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (opts.managedFields) meta.managedFields = opts.managedFields;
    if (meta.managedFields?.length === 0) delete meta.managedFields;
    const strategy = this.strategy(t);
    t.schema?.applyDefaults(obj);
    strategy.prepareCreate?.(obj, this);
    const errors = [...validateObjectMeta(obj, t.namespaced), ...(t.schema?.validate(obj) ?? [])];
    errors.push(...(strategy.validateCreate?.(obj, t) ?? []));
    if (errors.length > 0) throw invalid(t, meta.name, toCauses(errors));
    checkSize(obj);
    if (opts.dryRun) return this.present(t, obj);
    return this.present(t, this.store.put(storageKey(t), obj));
  }

  /** Update the object, its status, or (pods) its resources; `input` is the full new object. */
  update(t: ResourceType, input: KObject, target: UpdateTarget = 'main', opts: WriteOptions = {}): KObject {
    const name = input.metadata?.name ?? '';
    const old = this.getStored(t, input.metadata?.namespace, name);
    input = this.toStored(t, input);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(t, name);
    let next: KObject;
    if (target === 'status') {
      next = clone(old);
      next.status = clone(input.status);
    } else {
      next = clone(input);
      next.metadata = {
        ...clone(input.metadata),
        name: old.metadata.name,
        namespace: old.metadata.namespace,
        uid: old.metadata.uid,
        creationTimestamp: old.metadata.creationTimestamp,
        generation: old.metadata.generation,
      };
      if (old.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
        next.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      } else delete next.metadata.deletionTimestamp;
      if (t.subresources.includes('status')) next.status = clone(old.status);
      if (next.status === undefined) delete next.status;
      if (input.metadata.managedFields === undefined && old.metadata.managedFields)
        next.metadata.managedFields = clone(old.metadata.managedFields);
    }
    if (opts.managedFields) next.metadata.managedFields = opts.managedFields;
    if (next.metadata.managedFields?.length === 0) delete next.metadata.managedFields;
    if (target !== 'status') next = this.strategy(t).prepareUpdate?.(next, old, target) ?? next;
    this.stamp(this.storedType(t), next);
    if (target !== 'status') {
      t.schema?.applyDefaults(next);
      const errors = [...validateObjectMeta(next, t.namespaced), ...(t.schema?.validate(next, old) ?? [])];
      errors.push(...newFinalizersWhileDeleting(next, old));
      errors.push(...(this.strategy(t).validateUpdate?.(next, old, target, t) ?? []));
      if (errors.length > 0) throw invalid(t, name, toCauses(errors));
    } else if (target === 'status' && t.schema) {
      const errors = t.schema.validate(next, old);
      if (errors.length > 0) throw invalid(t, name, toCauses(errors));
    }
    if (!isDeepStrictEqual(specPart(next), specPart(old))) {
      next.metadata.generation = (old.metadata.generation ?? 1) + 1;
    }
    if (isDeepStrictEqual(withoutVolatile(next), withoutVolatile(old))) return this.present(t, old);
    checkSize(next);
    if (opts.dryRun) return this.present(t, next);
    if (
      next.metadata.deletionTimestamp &&
      (next.metadata.finalizers ?? []).length === 0 &&
      (next.metadata.deletionGracePeriodSeconds ?? 0) === 0
    ) {
      if (!this.strategy(t).deferDelete?.(next)) {
        return this.present(t, this.store.remove(storageKey(t), next.metadata.namespace, name)!);
      }
    }
    return this.present(t, this.store.put(storageKey(t), next));
  }

  delete(t: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KObject {
    const old = this.getStored(t, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        t,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        t,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    if (opts.propagationPolicy === 'Orphan' && !opts.dryRun) this.orphanDependents(old.metadata.uid!);
    const strategy = this.strategy(t);
    const grace = Math.max(0, strategy.gracePeriod?.(old, opts.gracePeriodSeconds) ?? 0);
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (
      opts.propagationPolicy === 'Foreground' &&
      !old.metadata.deletionTimestamp &&
      !finalizers.includes(FOREGROUND_FINALIZER)
    ) {
      finalizers.push(FOREGROUND_FINALIZER);
    }
    const deferred = strategy.deferDelete?.(old) === true;
    if (finalizers.length > 0 || grace > 0 || deferred) {
      const meta = old.metadata;
      const remaining = meta.deletionGracePeriodSeconds ?? 0;
      if (meta.deletionTimestamp && grace >= remaining) return this.present(t, old);
      if (!(meta.deletionTimestamp && grace === 0 && finalizers.length === 0 && !deferred)) {
        // Mark for deletion, or shorten the grace period of an object already terminating.
        const marked = clone(old);
        marked.metadata.deletionTimestamp = nowTimestamp(new Date(Date.now() + grace * 1000));
        marked.metadata.deletionGracePeriodSeconds = grace;
        marked.metadata.finalizers = finalizers;
        if (opts.dryRun) return this.present(t, marked);
        return this.present(t, this.store.put(storageKey(t), marked));
      }
    }
    if (opts.dryRun) return this.present(t, old);
    return this.present(t, this.store.remove(storageKey(t), t.namespaced ? namespace : undefined, name)!);
  }

  /** Remove owner references to `uid` so the garbage collector leaves the dependents alone. */
  private orphanDependents(uid: string): void {
    const hits: [string, KObject][] = [];
    for (const [resource, o] of this.store.entries()) {
      if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) hits.push([resource, o]);
    }
    for (const [resource, o] of hits) {
      const c = clone(o);
      c.metadata.ownerReferences = c.metadata.ownerReferences!.filter((r) => r.uid !== uid);
      if (c.metadata.ownerReferences.length === 0) delete c.metadata.ownerReferences;
      this.store.put(resource, c);
    }
  }
}
