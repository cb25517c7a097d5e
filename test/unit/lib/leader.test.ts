import type { V1Lease } from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_LEADER_TIMINGS,
  LeaderElector,
  type LeaseStore,
  leaseAfter,
  leaseStoreFor,
  nextLeaseAction,
} from '../../../lib/leader.ts';
import { silentLogger } from '../../../lib/log.ts';
import { startApiServer } from '../../../packages/apiserver/index.ts';
import { waitForTruthy as until } from '../../support/wait-for.ts';

const T0 = Date.parse('2025-06-01T00:00:00Z');

function lease(holder: string, renewedAtMs: number, durationSeconds = 15): V1Lease {
  return {
    metadata: { name: 'hub', namespace: 'kosmos', resourceVersion: '1' },
    spec: { holderIdentity: holder, leaseDurationSeconds: durationSeconds, renewTime: new Date(renewedAtMs) },
  };
}

describe('nextLeaseAction', () => {
  it.each([
    ['creates an absent lease', undefined, T0, undefined, { kind: 'create' }],
    ['renews its own lease', lease('a', T0 - 60_000), T0, undefined, { kind: 'renew' }],
    [
      'acquires a released lease',
      lease('', T0),
      T0,
      undefined,
      { kind: 'acquire', previousHolder: undefined },
    ],
    [
      'waits for a live lease of another',
      lease('b', T0 - 5000),
      T0,
      undefined,
      { kind: 'wait', holder: 'b', expiresInMs: 10_000 },
    ],
    [
      'acquires an expired lease',
      lease('b', T0 - 15_000),
      T0,
      undefined,
      { kind: 'acquire', previousHolder: 'b' },
    ],
    [
      'measures expiry from when it observed the renewal',
      lease('b', T0 - 60_000),
      T0,
      T0 - 1000,
      { kind: 'wait', holder: 'b', expiresInMs: 14_000 },
    ],
    [
      'honours the holder’s lease duration',
      lease('b', T0 - 5000, 4),
      T0,
      undefined,
      { kind: 'acquire', previousHolder: 'b' },
    ],
  ])('%s', (_, l, now, observedAtMs, expected) => {
    expect(nextLeaseAction(l, 'a', now, DEFAULT_LEADER_TIMINGS, observedAtMs)).toEqual(expected);
  });
});

describe('leaseAfter', () => {
  const target = { namespace: 'kosmos', name: 'hub' };
  it('counts a transition on acquire and keeps acquireTime on renew', () => {
    const acquired = leaseAfter(lease('b', T0 - 20_000), 'acquire', 'a', T0, DEFAULT_LEADER_TIMINGS, target);
    expect(acquired.spec).toMatchObject({
      holderIdentity: 'a',
      leaseTransitions: 1,
      leaseDurationSeconds: 15,
    });
    expect(acquired.metadata?.resourceVersion).toBe('1');
    const renewed = leaseAfter(acquired, 'renew', 'a', T0 + 2000, DEFAULT_LEADER_TIMINGS, target);
    expect(renewed.spec?.acquireTime).toEqual(new Date(T0));
    expect(renewed.spec?.renewTime).toEqual(new Date(T0 + 2000));
  });

  it('release clears the holder so others acquire at once', () => {
    const released = leaseAfter(lease('a', T0), 'release', 'a', T0, DEFAULT_LEADER_TIMINGS, target);
    expect(released.spec?.holderIdentity).toBe('');
    expect(nextLeaseAction(released, 'b', T0, DEFAULT_LEADER_TIMINGS).kind).toBe('acquire');
  });
});

/** An in-memory lease store with resourceVersion conflicts, and a switch to fail writes. */
function memoryStore() {
  let stored: V1Lease | undefined;
  let rv = 0;
  const state = { failWrites: false };
  const conflict = () => Object.assign(new Error('conflict'), { code: 409 });
  const store: LeaseStore = {
    get: async () => structuredClone(stored),
    create: async (l) => {
      if (state.failWrites) throw Object.assign(new Error('unavailable'), { code: 503 });
      if (stored) throw conflict();
      stored = { ...structuredClone(l), metadata: { ...l.metadata, resourceVersion: String(++rv) } };
      return structuredClone(stored);
    },
    replace: async (l) => {
      if (state.failWrites) throw Object.assign(new Error('unavailable'), { code: 503 });
      if (l.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) throw conflict();
      stored = { ...structuredClone(l), metadata: { ...l.metadata, resourceVersion: String(++rv) } };
      return structuredClone(stored);
    },
  };
  return {
    store,
    state,
    holder: () => stored?.spec?.holderIdentity,
    bump: () => (stored!.metadata!.resourceVersion = String(++rv)),
  };
}

function elector(store: LeaseStore, identity: string, clock: { ms: number }, events: string[]) {
  return new LeaderElector({
    store,
    namespace: 'kosmos',
    name: 'hub',
    identity,
    log: silentLogger(),
    now: () => clock.ms,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted');
      clock.ms += ms;
      await new Promise((r) => setImmediate(r));
    },
    onStartedLeading: () => events.push(`${identity} started`),
    onStoppedLeading: () => events.push(`${identity} stopped`),
  });
}

describe('LeaderElector with a fake clock', () => {
  it('one of two candidates leads; the other takes over only after the lease expires', async () => {
    const { store } = memoryStore();
    const clock = { ms: T0 };
    const events: string[] = [];
    const a = elector(store, 'a', clock, events);
    const b = elector(store, 'b', clock, events);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.ms += 14_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.ms += 2000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  it('a renew that conflicts (409) means the lease is lost', async () => {
    const { store, bump } = memoryStore();
    const clock = { ms: T0 };
    const a = elector(store, 'a', clock, []);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const raced: LeaseStore = {
      ...store,
      get: async (...args) => {
        const l = await store.get(...args);
        bump();
        return l;
      },
    };
    const a2 = elector(raced, 'a', clock, []);
    expect(await a2.tryAcquireOrRenew()).toBe(false);
  });

  it('the loop calls onStartedLeading, steps down after the renew deadline, and releases on stop', async () => {
    const { store, state, holder } = memoryStore();
    const clock = { ms: T0 };
    const events: string[] = [];
    const a = elector(store, 'a', clock, events);
    a.start();
    await until(() => a.isLeader());
    expect(events).toEqual(['a started']);
    state.failWrites = true;
    await until(() => !a.isLeader());
    expect(events).toEqual(['a started', 'a stopped']);
    state.failWrites = false;
    await until(() => a.isLeader());
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(holder()).toBe('');
    expect(events).toEqual(['a started', 'a stopped', 'a started', 'a stopped']);
  });
});

describe('LeaderElector against the embedded API server', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
  });

  it('hands leadership over when the leader stops and releases', async () => {
    const server = await startApiServer({ nodes: 0 });
    stops.push(() => server.stop());
    const store = leaseStoreFor(server.kubeConfig().makeApiClient(k8s.CoordinationV1Api));
    const core = server.kubeConfig().makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'kosmos' } } });
    const timings = { leaseDurationSeconds: 5, renewDeadlineSeconds: 3, retryPeriodSeconds: 0.05 };
    const make = (identity: string) =>
      new LeaderElector({ store, namespace: 'kosmos', name: 'hub', identity, log: silentLogger(), timings });
    const a = make('a');
    a.start();
    stops.push(() => a.stop());
    await until(() => a.isLeader());
    const b = make('b');
    b.start();
    stops.push(() => b.stop());
    await new Promise((r) => setTimeout(r, 150));
    expect(b.isLeader()).toBe(false);
    await a.stop();
    await until(() => b.isLeader());
    const stored = await store.get('kosmos', 'hub');
    expect(stored?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });
});
