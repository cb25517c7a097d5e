// planSync: which Runtime API commands make HAProxy's slots match the hub's pods and weights.
import { describe, expect, it } from 'vitest';
import {
  effectiveWeights,
  type PodTarget,
  planSync,
  type ServerSlot,
} from '../../../../hub/src/balancer/sync-plan.ts';

const slot = (name: string, over: Partial<ServerSlot> = {}): ServerSlot => ({
  name,
  address: '0.0.0.0',
  port: 8080,
  state: 'maint',
  weight: 1,
  inFlight: 0,
  ...over,
});
const pod = (name: string, address: string, weight: number): PodTarget => ({
  pod: name,
  address,
  port: 8080,
  weight,
});

describe('planSync', () => {
  it('puts new pods into free slots in order: addr, weight, then ready', () => {
    const plan = planSync(
      [pod('a', '10.0.0.1', 256), pod('b', '10.0.0.2', 64)],
      [slot('pod1'), slot('pod2'), slot('pod3')],
    );
    expect(plan.commands).toEqual([
      { op: 'addr', server: 'pod1', address: '10.0.0.1', port: 8080 },
      { op: 'weight', server: 'pod1', weight: 256 },
      { op: 'state', server: 'pod1', state: 'ready' },
      { op: 'addr', server: 'pod2', address: '10.0.0.2', port: 8080 },
      { op: 'weight', server: 'pod2', weight: 64 },
      { op: 'state', server: 'pod2', state: 'ready' },
    ]);
    expect(plan.added).toEqual([
      { pod: 'a', server: 'pod1' },
      { pod: 'b', server: 'pod2' },
    ]);
  });

  it('changes only the weights that differ on slots already serving their pod', () => {
    const slots = [
      slot('pod1', { address: '10.0.0.1', state: 'active', weight: 256 }),
      slot('pod2', { address: '10.0.0.2', state: 'active', weight: 64 }),
    ];
    const plan = planSync([pod('a', '10.0.0.1', 256), pod('b', '10.0.0.2', 128)], slots);
    expect(plan.commands).toEqual([{ op: 'weight', server: 'pod2', weight: 128 }]);
  });

  it('is a no-op when the proxy already matches', () => {
    const slots = [slot('pod1', { address: '10.0.0.1', state: 'active', weight: 200 })];
    expect(planSync([pod('a', '10.0.0.1', 200)], slots).commands).toEqual([]);
  });

  it('drains the slot of a pod that is gone, and takes it out only once nothing is in flight', () => {
    const active = slot('pod1', { address: '10.0.0.9', state: 'active', weight: 100, inFlight: 3 });
    expect(planSync([], [active]).commands).toEqual([{ op: 'state', server: 'pod1', state: 'drain' }]);
    const busy = { ...active, state: 'draining' as const };
    expect(planSync([], [busy]).commands).toEqual([]);
    const idle = { ...busy, inFlight: 0 };
    const plan = planSync([], [idle]);
    expect(plan.commands).toEqual([{ op: 'state', server: 'pod1', state: 'maint' }]);
    expect(plan.removed).toEqual(['pod1']);
  });

  it('returns a draining slot to service when its pod comes back', () => {
    const draining = slot('pod1', { address: '10.0.0.1', state: 'draining', weight: 100, inFlight: 1 });
    expect(planSync([pod('a', '10.0.0.1', 100)], [draining]).commands).toEqual([
      { op: 'state', server: 'pod1', state: 'ready' },
    ]);
  });

  it('matches pods to slots by address and port, not by slot name', () => {
    const slots = [slot('pod1', { address: '10.0.0.1', port: 9090, state: 'active', weight: 10 })];
    const plan = planSync([pod('a', '10.0.0.1', 10)], [...slots, slot('pod2')]);
    expect(plan.drained).toEqual(['pod1']);
    expect(plan.added).toEqual([{ pod: 'a', server: 'pod2' }]);
  });

  it('reports pods that find no free slot instead of evicting a serving one', () => {
    const slots = [slot('pod1', { address: '10.0.0.1', state: 'active', weight: 256 })];
    const plan = planSync([pod('a', '10.0.0.1', 256), pod('b', '10.0.0.2', 256)], slots);
    expect(plan.unplaced).toEqual(['b']);
    expect(plan.commands).toEqual([]);
  });

  it('does not reuse a slot freed in the same round (its connections close first)', () => {
    const idle = slot('pod1', { address: '10.0.0.9', state: 'draining', weight: 100 });
    const plan = planSync([pod('a', '10.0.0.1', 100)], [idle]);
    expect(plan.removed).toEqual(['pod1']);
    expect(plan.unplaced).toEqual(['a']);
  });
});

describe('effectiveWeights', () => {
  it.each([
    ['known weights pass through, capped at 256', [256, 300, 64], [256, 256, 64]],
    ['a pod without a weight gets the mean of the known ones', [256, 64, 0], [256, 64, 160]],
    ['no weight known at all: all equal at the maximum', [0, 0], [256, 256]],
  ])('%s', (_name, input, want) => {
    const targets = input.map((w, i) => pod(`p${i}`, `10.0.0.${i}`, w));
    expect([...effectiveWeights(targets).values()]).toEqual(want);
  });
});
