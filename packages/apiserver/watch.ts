// Watch streams: chunked JSON events, one per line, from a resourceVersion (or the current
// state), filtered by selectors, with bookmarks, timeoutSeconds and 410 as an ERROR event.
import type { ServerResponse } from 'node:http';
import { ApiError, badRequest } from './errors.ts';
import type { KObject } from './object-types.ts';
import type { ObjectApi } from './objects.ts';
import { apiVersionOf, type ResourceType, storageKey } from './registry.ts';
import { tooLargeResourceVersion } from './request-options.ts';
import { type Selection, selects } from './selectors.ts';
import type { StoreEvent } from './store.ts';

export interface WatchParams {
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  /** Re-shape each event's object (Table output for kubectl get -w). */
  render?: (o: KObject) => unknown;
}

export interface ActiveWatch {
  resource: string;
  /** End the stream cleanly (the client sees the server close it). */
  close(): void;
  /** Cut the connection without a clean end (the client sees a network error). */
  destroy(): void;
}

export class WatchHub {
  readonly active = new Set<ActiveWatch>();
  private readonly bookmarkIntervalMs: number;

  constructor(bookmarkIntervalMs: number) {
    this.bookmarkIntervalMs = bookmarkIntervalMs;
  }

  /** End every open watch; `abrupt` destroys the sockets instead. Returns how many. */
  drop(filter: { resource?: string; abrupt?: boolean } = {}): number {
    let n = 0;
    for (const w of [...this.active]) {
      if (filter.resource && w.resource !== filter.resource) continue;
      n++;
      if (filter.abrupt) w.destroy();
      else w.close();
    }
    return n;
  }

  serve(api: ObjectApi, t: ResourceType, sel: Selection, params: WatchParams, res: ServerResponse): void {
    const resource = storageKey(t);
    const stamp = (o: KObject): unknown => {
      const obj = api.present(t, o);
      return params.render ? params.render(obj) : obj;
    };
    const rvParam = params.resourceVersion;
    let fromRv: number | undefined;
    if (rvParam && rvParam !== '0') {
      fromRv = Number(rvParam);
      if (!Number.isInteger(fromRv) || fromRv < 0) throw badRequest(`invalid resource version: ${rvParam}`);
      if (fromRv > api.store.currentRv()) throw tooLargeResourceVersion(fromRv, api.store.currentRv());
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    const write = (type: string, object: unknown) => {
      if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const bookmark = (annotations?: Record<string, string>) =>
      write('BOOKMARK', {
        kind: t.kind,
        apiVersion: apiVersionOf(t),
        metadata: { resourceVersion: String(api.store.currentRv()), ...(annotations ? { annotations } : {}) },
      });
    const onEvent = (ev: StoreEvent) => {
      const now = selects(sel, ev.object);
      const before = ev.previous ? selects(sel, ev.previous) : false;
      if (ev.type === 'ADDED' && now) write('ADDED', stamp(ev.object));
      else if (ev.type === 'DELETED' && before) write('DELETED', stamp(ev.object));
      else if (ev.type === 'MODIFIED') {
        if (now && before) write('MODIFIED', stamp(ev.object));
        else if (now) write('ADDED', stamp(ev.object));
        else if (before) write('DELETED', stamp(ev.object));
      }
    };
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const watch: ActiveWatch = {
      resource,
      close: () => finish(),
      destroy: () => {
        res.socket?.destroy();
        finish();
      },
    };
    const finish = () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      this.active.delete(watch);
      if (!res.writableEnded && !res.destroyed && !res.socket?.destroyed) res.end();
    };
    res.on('close', finish);
    try {
      if (fromRv === undefined) {
        for (const o of api.list(t, sel)) write('ADDED', params.render ? params.render(o) : o);
        if (params.sendInitialEvents && params.allowWatchBookmarks) {
          bookmark({ 'k8s.io/initial-events-end': 'true' });
        }
      }
      unsubscribe = api.store.watch(resource, fromRv, onEvent);
    } catch (err) {
      if (err instanceof ApiError) {
        write('ERROR', err.toStatus());
        res.end();
        return;
      }
      throw err;
    }
    this.active.add(watch);
    if (params.allowWatchBookmarks) {
      const tick = () => {
        bookmark();
        timers[0] = setTimeout(tick, this.bookmarkIntervalMs).unref();
      };
      timers[0] = setTimeout(tick, this.bookmarkIntervalMs).unref();
    }
    if (params.timeoutSeconds !== undefined && params.timeoutSeconds > 0) {
      timers.push(setTimeout(finish, params.timeoutSeconds * 1000).unref());
    }
  }
}
