// The one resilient informer: client-node ListWatch (so field selectors work) restarted after
// errors with capped jittered backoff, plus periodic relist and a staleness watchdog. The cache holds
// objects with only the fields of their keep-list (`retain`), else without metadata.managedFields
// (server-side apply's bookkeeping, which neither the hub nor the agent reads and which is often the
// largest part of an object).
import * as k8s from '@kubernetes/client-node';
import { type BackoffOptions, backoffDelayMs } from './backoff.ts';
import { type AnyKeepList, type KeepList, retainIn } from './keep-list.ts';
import type { Logger } from './log.ts';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends k8s.KubernetesObject> {
  kc: k8s.KubeConfig;
  /** Collection path, e.g. /api/v1/pods or /apis/autoscaling.kosmos.dev/v1alpha1/namespaces/x/podscales. */
  path: string;
  /** Lists the collection; it must apply the same label and field selectors as given here. */
  listFn: k8s.ListPromise<T>;
  labelSelector?: string;
  fieldSelector?: string;
  log: Logger;
  /** Full relist this often (ms); missed events are repaired as add/update/delete. 0 = never. */
  resyncMs?: number;
  /** Relist when neither an event nor a (re)connect was seen for this long (ms). 0 = never. */
  staleAfterMs?: number;
  /** Restart backoff after errors; default 1 s doubling to 30 s, jittered. */
  backoff?: BackoffOptions;
  /** The fields the cache keeps (T is what they leave, e.g. CachedPod); default all but metadata.managedFields. */
  retain?: KeepList<T>;
}

export interface Informer<T extends k8s.KubernetesObject> {
  on(event: InformerEvent, fn: (obj: T) => void): void;
  off(event: InformerEvent, fn: (obj: T) => void): void;
  list(): T[];
  get(namespace: string | undefined, name: string): T | undefined;
  /** Whether the first list has completed. */
  synced(): boolean;
  /** Resolves once the first list has completed; rejects after timeoutMs with the last error. */
  waitForSync(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000 };

function key(obj: k8s.KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export function startInformer<T extends k8s.KubernetesObject>(options: InformerOptions<T>): Informer<T> {
  const { kc, path, listFn, labelSelector, fieldSelector, retain } = options;
  const log = options.log.child({ informer: path, labelSelector, fieldSelector });
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const resyncMs = options.resyncMs ?? 10 * 60_000;
  const staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
  const handlers: Record<InformerEvent, Array<(obj: T) => void>> = { add: [], update: [], delete: [] };
  const watch = new k8s.Watch(kc);

  /** The live ListWatch: it serves reads and its events reach the handlers. */
  let current: k8s.ListWatch<T> | undefined;
  /** A ListWatch being started to replace `current` (see relist). */
  let pending: k8s.ListWatch<T> | undefined;
  let stopped = false;
  let isSynced = false;
  let lastError: unknown;
  let attempt = 0;
  let lastActivityMs = Date.now();
  let lastRelistMs = Date.now();
  let retryTimer: NodeJS.Timeout | undefined;
  const syncWaiters: Array<() => void> = [];
  const failures = new WeakMap<k8s.ListWatch<T>, number>();

  const emit = (event: InformerEvent, obj: T) => {
    for (const fn of handlers[event]) {
      try {
        fn(obj);
      } catch (err) {
        log.error({ err, event, object: key(obj) }, 'informer handler failed');
      }
    }
  };

  const markSynced = () => {
    attempt = 0;
    lastActivityMs = Date.now();
    lastRelistMs = Date.now();
    if (isSynced) return;
    isSynced = true;
    for (const resolve of syncWaiters.splice(0)) resolve();
  };

  const wire = (lw: k8s.ListWatch<T>) => {
    // ListWatch hands every object it caches to its add or update handlers first, listed or watched:
    // trimmed here, before any of ours sees it, the cache keeps the trimmed object
    // (set undefined rather than deleted: the object keeps its shape and V8 its fast properties)
    const trim = retain
      ? (obj: T) => retainIn(obj, retain as AnyKeepList)
      : (obj: T) => {
          const meta: { managedFields?: unknown } | undefined = obj.metadata;
          if (meta?.managedFields !== undefined) meta.managedFields = undefined;
        };
    lw.on('add', trim);
    lw.on('update', trim);
    lw.on('error', (err) => {
      failures.set(lw, (failures.get(lw) ?? 0) + 1);
      if (stopped || (lw !== current && lw !== pending)) return;
      onError(err, lw);
    });
    lw.on('connect', () => {
      if (lw === current) lastActivityMs = Date.now();
    });
    for (const event of ['add', 'update', 'delete'] as const) {
      lw.on(event, (obj) => {
        if (lw !== current || stopped) return;
        lastActivityMs = Date.now();
        emit(event, obj);
      });
    }
  };

  /** Starts a ListWatch; resolves to whether its list and watch were established. */
  const launch = async (lw: k8s.ListWatch<T>): Promise<boolean> => {
    const failuresBefore = failures.get(lw) ?? 0;
    try {
      await lw.start();
    } catch (err) {
      // Configuration and request-building errors are thrown rather than reported.
      failures.set(lw, failuresBefore + 1);
      if (!stopped) onError(err, lw);
      return false;
    }
    return (failures.get(lw) ?? 0) === failuresBefore && !stopped;
  };

  const onError = (err: unknown, lw: k8s.ListWatch<T>) => {
    lastError = err;
    const retry = lw === current ? 'resume' : 'relist';
    if (lw === pending) {
      pending = undefined;
      void lw.stop();
    }
    const delayMs = backoffDelayMs(attempt, Math.random(), backoff);
    attempt++;
    log.warn({ err, attempt, delayMs, retry }, 'informer failed; restarting after backoff');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (retry === 'relist' || !current) void relist('retry');
      else if (lw === current) void resume();
    }, delayMs);
  };

  /** Restarts the current ListWatch from its last resourceVersion (it relists on 410 Gone). */
  const resume = async () => {
    if (stopped || !current) return;
    if (await launch(current)) {
      markSynced();
      log.info('informer resumed');
    }
  };

  /** Starts a fresh ListWatch, then swaps it in and repairs the cache by diffing the two lists. */
  const relist = async (why: string) => {
    if (stopped || pending) return;
    const fresh = new k8s.ListWatch<T>(path, watch, listFn, false, labelSelector, fieldSelector);
    pending = fresh;
    wire(fresh);
    const ok = await launch(fresh);
    if (pending === fresh) pending = undefined;
    if (!ok) return;
    const previous = current;
    const before = new Map((previous?.list() ?? []).map((o) => [key(o), o]));
    const after = fresh.list();
    current = fresh;
    let changed = 0;
    for (const obj of after) {
      const old = before.get(key(obj));
      before.delete(key(obj));
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      emit(old ? 'update' : 'add', obj);
      changed++;
    }
    for (const gone of before.values()) {
      emit('delete', gone);
      changed++;
    }
    await previous?.stop();
    markSynced();
    log.info({ why, objects: after.length, changed }, 'informer relisted');
  };

  const checkEveryMs = Math.max(50, Math.min(...[staleAfterMs, resyncMs, 60_000].filter((ms) => ms > 0)) / 4);
  const watchdog = setInterval(() => {
    if (stopped || pending || retryTimer || !isSynced) return;
    const now = Date.now();
    if (staleAfterMs > 0 && now - lastActivityMs > staleAfterMs) void relist('stale');
    else if (resyncMs > 0 && now - lastRelistMs > resyncMs) void relist('resync');
  }, checkEveryMs);
  watchdog.unref();

  void relist('start');

  return {
    on: (event, fn) => void handlers[event].push(fn),
    off: (event, fn) => {
      const i = handlers[event].indexOf(fn);
      if (i >= 0) handlers[event].splice(i, 1);
    },
    list: () => [...(current?.list() ?? [])],
    get: (namespace, name) => current?.get(name, namespace || undefined),
    synced: () => isSynced,
    waitForSync(timeoutMs) {
      if (isSynced) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = syncWaiters.indexOf(done);
          if (i >= 0) syncWaiters.splice(i, 1);
          const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
          reject(
            new Error(`informer for ${path} did not sync within ${timeoutMs} ms${cause}`, {
              cause: lastError,
            }),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        syncWaiters.push(done);
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(watchdog);
      await Promise.all([current?.stop(), pending?.stop()]);
    },
  };
}
