// Leader election on a coordination.k8s.io/v1 Lease (client-go's algorithm): a pure decision
// (nextLeaseAction) and a small elector loop that reads and writes the Lease.
import type * as k8s from '@kubernetes/client-node';
import { apiStatus, signalOptions } from './kube.ts';
import type { Logger } from './log.ts';
import { sleepMs } from './rate-limit.ts';

export interface LeaderTimings {
  /** How long a lease is valid after its last renewal. */
  leaseDurationSeconds: number;
  /** The leader gives up when it could not renew for this long. */
  renewDeadlineSeconds: number;
  /** Time between attempts to acquire or renew. */
  retryPeriodSeconds: number;
}

export const DEFAULT_LEADER_TIMINGS: LeaderTimings = {
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
};

export type LeaseAction =
  | { kind: 'create' }
  | { kind: 'acquire'; previousHolder: string | undefined }
  | { kind: 'renew' }
  | { kind: 'wait'; holder: string; expiresInMs: number };

/**
 * What to do with the lease now. `observedAtMs` is when this process first saw the lease's
 * current renewTime (client-go measures expiry on its own clock, not the holder's); without it
 * the lease's renewTime is used.
 */
export function nextLeaseAction(
  lease: k8s.V1Lease | undefined,
  identity: string,
  nowMs: number,
  timings: LeaderTimings = DEFAULT_LEADER_TIMINGS,
  observedAtMs?: number,
): LeaseAction {
  if (!lease) return { kind: 'create' };
  const holder = lease.spec?.holderIdentity ?? '';
  if (holder === identity) return { kind: 'renew' };
  if (holder === '') return { kind: 'acquire', previousHolder: undefined };
  const durationMs = (lease.spec?.leaseDurationSeconds ?? timings.leaseDurationSeconds) * 1000;
  const renewedMs = observedAtMs ?? timeMs(lease.spec?.renewTime ?? lease.spec?.acquireTime);
  const expiresInMs = renewedMs === undefined ? 0 : renewedMs + durationMs - nowMs;
  if (expiresInMs <= 0) return { kind: 'acquire', previousHolder: holder };
  return { kind: 'wait', holder, expiresInMs };
}

function timeMs(t: Date | string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = new Date(t).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** The lease after `action` by `identity` at `nowMs` (for create, acquire, renew and release). */
export function leaseAfter(
  lease: k8s.V1Lease | undefined,
  action: 'create' | 'acquire' | 'renew' | 'release',
  identity: string,
  nowMs: number,
  timings: LeaderTimings,
  target: { namespace: string; name: string },
): k8s.V1Lease {
  const now = new Date(nowMs);
  const spec = { ...(lease?.spec ?? {}) };
  if (action === 'release') {
    Object.assign(spec, { holderIdentity: '', leaseDurationSeconds: 1, renewTime: now });
  } else {
    spec.holderIdentity = identity;
    spec.leaseDurationSeconds = timings.leaseDurationSeconds;
    spec.renewTime = now;
    if (action !== 'renew') {
      spec.acquireTime = now;
      spec.leaseTransitions = (spec.leaseTransitions ?? 0) + (action === 'acquire' ? 1 : 0);
    }
  }
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { ...(lease?.metadata ?? {}), namespace: target.namespace, name: target.name },
    spec,
  };
}

/**
 * The reads and writes the elector needs (the kube client in production, a map in tests); `signal`
 * aborts a call the elector no longer waits for (its attempt's deadline passed).
 */
export interface LeaseStore {
  get(namespace: string, name: string, signal?: AbortSignal): Promise<k8s.V1Lease | undefined>;
  /** Throws an error with code 409 when the lease already exists. */
  create(lease: k8s.V1Lease, signal?: AbortSignal): Promise<k8s.V1Lease>;
  /** Throws an error with code 409 when metadata.resourceVersion is stale. */
  replace(lease: k8s.V1Lease, signal?: AbortSignal): Promise<k8s.V1Lease>;
}

export function leaseStoreFor(coordination: k8s.CoordinationV1Api): LeaseStore {
  return {
    async get(namespace, name, signal) {
      try {
        return await coordination.readNamespacedLease({ namespace, name }, signalOptions(signal));
      } catch (err) {
        if (apiStatus(err) === 404) return undefined;
        throw err;
      }
    },
    create: (lease, signal) =>
      coordination.createNamespacedLease(
        { namespace: lease.metadata!.namespace!, body: lease },
        signalOptions(signal),
      ),
    replace: (lease, signal) =>
      coordination.replaceNamespacedLease(
        { namespace: lease.metadata!.namespace!, name: lease.metadata!.name!, body: lease },
        signalOptions(signal),
      ),
  };
}

/** An attempt to acquire or renew that did not finish in the time left before the renew deadline. */
class LeaseAttemptTimeout extends Error {
  override name = 'LeaseAttemptTimeout';
}

export interface LeaderElectorOptions {
  store: LeaseStore;
  namespace: string;
  name: string;
  /** Unique per process, e.g. the pod name. */
  identity: string;
  log: Logger;
  timings?: Partial<LeaderTimings>;
  onStartedLeading?: () => void;
  onStoppedLeading?: () => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly timings: LeaderTimings;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private leading = false;
  private lastRenewMs = 0;
  private observed: { key: string; atMs: number } | undefined;
  private loop: Promise<void> | undefined;

  constructor(opts: LeaderElectorOptions) {
    this.opts = opts;
    this.timings = { ...DEFAULT_LEADER_TIMINGS, ...opts.timings };
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? sleepMs;
    this.log = opts.log.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning and releases the lease if held. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => undefined);
    if (!this.leading) return;
    try {
      const lease = await this.opts.store.get(this.opts.namespace, this.opts.name);
      if (lease?.spec?.holderIdentity === this.opts.identity) {
        await this.opts.store.replace(
          leaseAfter(lease, 'release', this.opts.identity, this.now(), this.timings, this.opts),
        );
        this.log.info('lease released');
      }
    } catch (err) {
      this.log.warn({ err }, 'lease release failed; it expires by itself');
    }
    this.setLeading(false, 'stopped');
  }

  /** One attempt to acquire or renew; returns whether this process holds the lease now. */
  async tryAcquireOrRenew(signal?: AbortSignal): Promise<boolean> {
    const { store, identity } = this.opts;
    const nowMs = this.now();
    const lease = await store.get(this.opts.namespace, this.opts.name, signal);
    const recordKey = `${lease?.spec?.holderIdentity ?? ''}@${String(lease?.spec?.renewTime ?? '')}`;
    if (this.observed?.key !== recordKey) this.observed = { key: recordKey, atMs: nowMs };
    const action = nextLeaseAction(
      lease,
      identity,
      nowMs,
      this.timings,
      lease ? this.observed.atMs : undefined,
    );
    if (action.kind === 'wait') {
      if (this.leading) this.setLeading(false, `lease taken by ${action.holder}`);
      return false;
    }
    try {
      const next = leaseAfter(lease, action.kind, identity, nowMs, this.timings, this.opts);
      await (action.kind === 'create' ? store.create(next, signal) : store.replace(next, signal));
    } catch (err) {
      if (apiStatus(err) !== 409) throw err;
      if (this.leading) this.setLeading(false, 'lease update conflicted');
      return false;
    }
    this.lastRenewMs = nowMs;
    if (action.kind === 'acquire') this.log.info({ previousHolder: action.previousHolder }, 'lease acquired');
    return true;
  }

  /**
   * tryAcquireOrRenew() bounded by the time left before the renew deadline (a leader) or by the
   * renew deadline (a candidate), so a hung API call makes the leader step down before its lease
   * can expire for the others, never after. Real time: the deadline must hold whatever the clock says.
   */
  async #attempt(): Promise<boolean> {
    const renewDeadlineMs = this.timings.renewDeadlineSeconds * 1000;
    const budgetMs = this.leading
      ? Math.max(1, this.lastRenewMs + renewDeadlineMs - this.now())
      : renewDeadlineMs;
    const call = new AbortController();
    const stop = () => call.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', stop, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new LeaseAttemptTimeout(`lease read/write took longer than ${Math.round(budgetMs)} ms`);
        call.abort(err);
        reject(err);
      }, budgetMs);
    });
    try {
      return await Promise.race([this.tryAcquireOrRenew(call.signal), deadline]);
    } catch (err) {
      if (err instanceof LeaseAttemptTimeout) {
        this.log.warn({ budgetMs: Math.round(budgetMs), leading: this.leading }, err.message);
        return false;
      }
      throw err;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', stop);
    }
  }

  private setLeading(leading: boolean, reason: string): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.log.info({ leading, reason }, leading ? 'started leading' : 'stopped leading');
    try {
      (leading ? this.opts.onStartedLeading : this.opts.onStoppedLeading)?.();
    } catch (err) {
      this.log.error({ err }, 'leadership callback failed');
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let held = false;
      try {
        held = await this.#attempt();
      } catch (err) {
        this.log.warn({ err }, 'lease read or write failed');
      }
      if (signal.aborted) return;
      if (held) this.setLeading(true, 'lease held');
      else if (this.leading && this.now() - this.lastRenewMs >= this.timings.renewDeadlineSeconds * 1000) {
        this.setLeading(false, 'renew deadline exceeded');
      }
      const jitter = this.leading ? 1 : 1 + Math.random() * 0.2;
      try {
        await this.sleep(this.timings.retryPeriodSeconds * 1000 * jitter, signal);
      } catch {
        return;
      }
    }
  }
}
