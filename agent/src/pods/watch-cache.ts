// A list-watch cache that survives errors: client-node's ListWatch stops on any error but 410,
// so this restarts it with capped backoff (1 s → 30 s) and relists periodically as a watchdog
// against watches that hang on a dead connection.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../../lib/log.ts';

export interface WatchCacheOptions<T extends k8s.KubernetesObject> {
  kc: k8s.KubeConfig;
  path: string;
  list: () => Promise<k8s.KubernetesListObject<T>>;
  fieldSelector?: string;
  labelSelector?: string;
  log: Logger;
  /** Restart the watch from a fresh list this often even when it looks healthy. */
  relistMs?: number;
  onChange?: () => void;
}

export class WatchCache<T extends k8s.KubernetesObject> {
  readonly #o: WatchCacheOptions<T>;
  readonly #lw: k8s.ListWatch<T>;
  #synced = false;
  #stopped = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;
  #relist: NodeJS.Timeout | undefined;

  constructor(options: WatchCacheOptions<T>) {
    this.#o = options;
    this.#lw = new k8s.ListWatch<T>(
      options.path,
      new k8s.Watch(options.kc),
      async () => {
        const list = await options.list();
        this.#synced = true;
        this.#failures = 0;
        return list;
      },
      false,
      options.labelSelector,
      options.fieldSelector,
    );
    const changed = () => options.onChange?.();
    this.#lw.on(k8s.ADD, changed);
    this.#lw.on(k8s.UPDATE, changed);
    this.#lw.on(k8s.DELETE, changed);
    this.#lw.on(k8s.ERROR, (err) => this.#restartLater(err));
  }

  /** Starts list+watch; resolves after the first list attempt (synced() says whether it worked). */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#lw.start();
    this.#scheduleRelist();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearTimeout(this.#relist);
    await this.#lw.stop();
  }

  synced(): boolean {
    return this.#synced;
  }

  list(): readonly T[] {
    return this.#lw.list();
  }

  #scheduleRelist(): void {
    const every = this.#o.relistMs ?? 300_000;
    clearTimeout(this.#relist);
    this.#relist = setTimeout(() => {
      if (this.#stopped) return;
      void this.#lw.stop().then(() => this.#lw.start().catch(() => {}));
      this.#scheduleRelist();
    }, every);
    this.#relist.unref();
  }

  #restartLater(err: unknown): void {
    if (this.#stopped) return;
    const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(this.#failures++, 5));
    this.#o.log.warn({ err, path: this.#o.path, retryInMs: delayMs }, 'watch failed; restarting');
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      if (!this.#stopped) this.#lw.start().catch(() => {});
    }, delayMs);
  }
}
