// Pure planning of one weight sync: the pods that should receive traffic (address, weight) and the
// proxy's server slots as they are → the runtime commands that make the slots match. No I/O.

/** A pod that should receive traffic, with its resolved address. */
export interface PodTarget {
  pod: string;
  address: string;
  port: number;
  /** Load-balancing weight 1..256; 0 or less = not known yet. */
  weight: number;
}

/** Administrative state of a proxy server slot as the syncer sees it. */
export type SlotState = 'active' | 'draining' | 'maint';

/** One server slot of the proxy backend. */
export interface ServerSlot {
  name: string;
  address: string;
  port: number;
  state: SlotState;
  weight: number;
  /** Requests being served plus queued for this server now. */
  inFlight: number;
}

export type SlotCommand =
  | { op: 'addr'; server: string; address: string; port: number }
  | { op: 'weight'; server: string; weight: number }
  | { op: 'state'; server: string; state: 'ready' | 'drain' | 'maint' };

export interface SyncPlan {
  commands: SlotCommand[];
  /** Pods that got a free slot this time, by slot. */
  added: { pod: string; server: string }[];
  /** Slots put into drain (their pod is gone). */
  drained: string[];
  /** Draining slots with nothing in flight, taken out (maint). */
  removed: string[];
  /** Pods that found no free slot (the backend needs more slots). */
  unplaced: string[];
  /** The weight each pod ends up with. */
  weights: Map<string, number>;
}

const endpoint = (address: string, port: number) => `${address}:${port}`;

/** A pod without a weight yet gets the mean of the known ones (an equal share), or the maximum. */
export function effectiveWeights(targets: readonly PodTarget[], maxWeight = 256): Map<string, number> {
  const known = targets.filter((t) => t.weight > 0);
  const mean = known.length
    ? Math.round(known.reduce((s, t) => s + Math.min(maxWeight, t.weight), 0) / known.length)
    : maxWeight;
  return new Map(
    targets.map((t) => [t.pod, t.weight > 0 ? Math.min(maxWeight, Math.round(t.weight)) : mean]),
  );
}

export function planSync(targets: readonly PodTarget[], slots: readonly ServerSlot[]): SyncPlan {
  const weights = effectiveWeights(targets);
  const wanted = new Map(targets.map((t) => [endpoint(t.address, t.port), t]));
  const plan: SyncPlan = { commands: [], added: [], drained: [], removed: [], unplaced: [], weights };
  const placed = new Set<string>();
  const free: ServerSlot[] = [];

  for (const slot of slots) {
    if (slot.state === 'maint') {
      free.push(slot);
      continue;
    }
    const target = wanted.get(endpoint(slot.address, slot.port));
    if (target && !placed.has(target.pod)) {
      placed.add(target.pod);
      const w = weights.get(target.pod)!;
      if (slot.weight !== w) plan.commands.push({ op: 'weight', server: slot.name, weight: w });
      if (slot.state === 'draining') plan.commands.push({ op: 'state', server: slot.name, state: 'ready' });
    } else if (slot.state === 'active') {
      plan.commands.push({ op: 'state', server: slot.name, state: 'drain' });
      plan.drained.push(slot.name);
    } else if (slot.inFlight === 0) {
      plan.commands.push({ op: 'state', server: slot.name, state: 'maint' });
      plan.removed.push(slot.name);
    }
  }

  for (const t of targets) {
    if (placed.has(t.pod)) continue;
    const slot = free.shift();
    if (!slot) {
      plan.unplaced.push(t.pod);
      continue;
    }
    placed.add(t.pod);
    plan.commands.push(
      { op: 'addr', server: slot.name, address: t.address, port: t.port },
      { op: 'weight', server: slot.name, weight: weights.get(t.pod)! },
      { op: 'state', server: slot.name, state: 'ready' },
    );
    plan.added.push({ pod: t.pod, server: slot.name });
  }
  return plan;
}
