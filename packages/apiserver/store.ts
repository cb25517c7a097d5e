// In-memory storage with one global, monotonically increasing resourceVersion and an event log
// per resource bounded in length and in age (as etcd compaction, ~5 min), so watches resume from
// a resourceVersion or learn it is too old (410), and lists can be served as of a past one.
import { EventEmitter } from 'node:events';
import { gone } from './errors.ts';
import { clone, type KObject } from './object-types.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  /** Storage key (group/plural) of the object's resource. */
  resource: string;
  object: KObject;
  /** The object before a MODIFIED/DELETED. */
  previous?: KObject;
  rv: number;
  /** When it happened (ms since epoch, by the store's clock). */
  at: number;
}

export type WatchListener = (ev: StoreEvent) => void;

interface Bucket {
  objects: Map<string, KObject>;
  log: StoreEvent[];
  /** Events with rv <= compactedRv are gone from the log. */
  compactedRv: number;
  listeners: Set<WatchListener>;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Raw storage: no validation, no conflict checks (see objects.ts for API semantics). */
export interface StoreOptions {
  /** Events kept per resource (default 10000). */
  watchHistory?: number;
  /** Age after which events are compacted away (default 5 minutes, as etcd's compaction). */
  watchHistoryMs?: number;
  initialResourceVersion?: number;
  /** Clock for event ages (default Date.now). */
  now?: () => number;
}

export class Store extends EventEmitter<{ change: [StoreEvent] }> {
  private readonly buckets = new Map<string, Bucket>();
  private rv: number;
  private readonly history: number;
  private readonly historyMs: number;
  private readonly now: () => number;

  constructor(options: StoreOptions = {}) {
    super();
    this.setMaxListeners(0);
    this.history = options.watchHistory ?? 10_000;
    this.historyMs = options.watchHistoryMs ?? 5 * 60_000;
    this.rv = options.initialResourceVersion ?? 1000;
    this.now = options.now ?? Date.now;
  }

  currentRv(): number {
    return this.rv;
  }

  private bucket(resource: string): Bucket {
    let b = this.buckets.get(resource);
    if (!b) {
      b = { objects: new Map(), log: [], compactedRv: 0, listeners: new Set() };
      this.buckets.set(resource, b);
    }
    return b;
  }

  get(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const o = this.bucket(resource).objects.get(objectKey(namespace, name));
    return o ? clone(o) : undefined;
  }

  /** Objects sorted by namespace/name (the order the real server lists in). */
  list(resource: string, namespace?: string): KObject[] {
    const out: KObject[] = [];
    const keys = [...this.bucket(resource).objects.keys()].sort();
    for (const k of keys) {
      const o = this.bucket(resource).objects.get(k)!;
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(clone(o));
    }
    return out;
  }

  /**
   * The stored objects themselves (no copies), for read-only scans by controllers on hot paths.
   * Callers must not modify what they get.
   */
  *scan(resource: string, namespace?: string): Generator<Readonly<KObject>> {
    for (const o of this.bucket(resource).objects.values()) {
      if (namespace === undefined || o.metadata.namespace === namespace) yield o;
    }
  }

  /** Every stored object of every resource (garbage collection walks this). */
  *entries(): Generator<[string, KObject]> {
    for (const [resource, b] of this.buckets) for (const o of b.objects.values()) yield [resource, o];
  }

  put(resource: string, obj: KObject): KObject {
    const b = this.bucket(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name!);
    const previous = b.objects.get(key);
    this.rv++;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    b.objects.set(key, stored);
    this.record(b, {
      type: previous ? 'MODIFIED' : 'ADDED',
      resource,
      object: stored,
      previous,
      rv: this.rv,
      at: this.now(),
    });
    return clone(stored);
  }

  remove(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const b = this.bucket(resource);
    const key = objectKey(namespace, name);
    const previous = b.objects.get(key);
    if (!previous) return undefined;
    b.objects.delete(key);
    this.rv++;
    const gone = clone(previous);
    gone.metadata.resourceVersion = String(this.rv);
    this.record(b, { type: 'DELETED', resource, object: gone, previous, rv: this.rv, at: this.now() });
    return clone(gone);
  }

  private record(b: Bucket, ev: StoreEvent): void {
    b.log.push(ev);
    while (b.log.length > this.history) b.compactedRv = b.log.shift()!.rv;
    this.expire(b);
    for (const l of b.listeners) l(ev);
    this.emit('change', ev);
  }

  /**
   * Subscribe to events after `fromRv` (replayed from the log first, synchronously), or only to
   * new events when fromRv is undefined. Throws 410 Gone if the log no longer reaches fromRv.
   */
  watch(resource: string, fromRv: number | undefined, listener: WatchListener): () => void {
    const b = this.bucket(resource);
    this.expire(b);
    if (fromRv !== undefined) {
      if (fromRv < b.compactedRv) {
        throw gone(`too old resource version: ${fromRv} (${b.compactedRv + 1})`);
      }
      for (const ev of b.log) if (ev.rv > fromRv) listener(ev);
    }
    b.listeners.add(listener);
    return () => b.listeners.delete(listener);
  }

  /** Drop the event logs: any later watch from an older resourceVersion gets 410. */
  compact(): void {
    for (const b of this.buckets.values()) {
      b.log = [];
      b.compactedRv = this.rv;
    }
  }

  /** Oldest resourceVersion a watch of this resource may resume from. */
  oldestResumableRv(resource: string): number {
    const b = this.bucket(resource);
    this.expire(b);
    return b.compactedRv;
  }

  /** Drop events older than the history's age (the log is in time order). */
  private expire(b: Bucket): void {
    const cutoff = this.now() - this.historyMs;
    let n = 0;
    while (n < b.log.length && b.log[n]!.at < cutoff) n++;
    if (n === 0) return;
    b.compactedRv = b.log[n - 1]!.rv;
    b.log.splice(0, n);
  }

  /**
   * The objects of a resource as they were at resourceVersion `rv` (sorted as list()), rebuilt
   * by undoing the logged events after it; 410 Gone when the log no longer reaches `rv`.
   */
  listAt(resource: string, rv: number, namespace?: string): KObject[] {
    const b = this.bucket(resource);
    this.expire(b);
    if (rv < b.compactedRv) {
      throw gone(`The resourceVersion for the provided list is too old.`);
    }
    const objects = new Map(b.objects);
    for (let i = b.log.length - 1; i >= 0 && b.log[i]!.rv > rv; i--) {
      const ev = b.log[i]!;
      const key = objectKey(ev.object.metadata.namespace, ev.object.metadata.name!);
      if (ev.type === 'ADDED') objects.delete(key);
      else objects.set(key, ev.previous!);
    }
    const out: KObject[] = [];
    for (const k of [...objects.keys()].sort()) {
      const o = objects.get(k)!;
      if (namespace === undefined || o.metadata.namespace === namespace) out.push(clone(o));
    }
    return out;
  }
}
