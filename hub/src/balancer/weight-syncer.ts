// The weight syncer's loop: every period (or when told a change happened) read the hub's weights,
// resolve pod addresses, read the proxy's slots, plan, and apply — one runOnce() per round.
import type { Logger } from '../../../lib/log.ts';
import type { ProxyRuntime } from './haproxy-runtime.ts';
import type { AddressResolver } from './pod-addresses.ts';
import { type PodTarget, planSync, type SyncPlan } from './sync-plan.ts';
import type { PodWeight, WeightSource } from './weight-source.ts';

export interface WeightSyncerDeps {
  source: WeightSource;
  addresses: AddressResolver & { retain?(pods: readonly PodWeight[]): void };
  proxy: ProxyRuntime;
  /** HAProxy backend holding the service's server slots. */
  backend: string;
  /** Port the pods serve traffic on. */
  port: number;
  log: Logger;
}

export interface SyncResult {
  plan: SyncPlan;
  /** Pods listed by the hub without a usable address yet (not Ready, no IP). */
  unresolved: string[];
}

export class WeightSyncer {
  readonly #d: WeightSyncerDeps;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #lastSummary = '';

  constructor(deps: WeightSyncerDeps) {
    this.#d = deps;
  }

  /** One round; throws when the hub or the proxy can't be reached (the loop logs and goes on). */
  async runOnce(): Promise<SyncResult> {
    const { source, addresses, proxy, backend, port } = this.#d;
    const pods = await source.current();
    addresses.retain?.(pods);
    const targets: PodTarget[] = [];
    const unresolved: string[] = [];
    for (const pod of pods) {
      const address = await addresses.addressOf(pod);
      if (address) targets.push({ pod: pod.name, address, port, weight: pod.weight });
      else unresolved.push(pod.name);
    }
    const slots = await proxy.servers(backend);
    if (slots.length === 0)
      throw new Error(`haproxy backend "${backend}" has no servers: declare slots with server-template`);
    const plan = planSync(targets, slots);
    for (const command of plan.commands) await proxy.apply(backend, command);
    this.#logDecision(plan, targets, unresolved);
    return { plan, unresolved };
  }

  #logDecision(plan: SyncPlan, targets: PodTarget[], unresolved: string[]): void {
    const weights = Object.fromEntries(plan.weights);
    const summary = JSON.stringify({
      weights,
      unresolved,
      unplaced: plan.unplaced,
      cmds: plan.commands.length,
    });
    if (plan.commands.length === 0 && summary === this.#lastSummary) return;
    this.#lastSummary = summary;
    const fields = {
      backend: this.#d.backend,
      weights,
      hubWeights: Object.fromEntries(targets.map((t) => [t.pod, t.weight])),
      added: plan.added,
      drained: plan.drained,
      removed: plan.removed,
      unresolved,
      commands: plan.commands.length,
    };
    if (plan.unplaced.length) {
      this.#d.log.warn(
        { ...fields, unplaced: plan.unplaced },
        'pods without a free server slot: raise the server-template count of the backend',
      );
    } else {
      this.#d.log.info(fields, 'balancer weights synced');
    }
  }

  /** Runs now and then every periodMs until stop(). A failed round is logged; the next one retries. */
  start(periodMs: number): void {
    this.#stopped = false;
    const tick = async () => {
      await this.trigger();
      if (!this.#stopped) this.#timer = setTimeout(tick, periodMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Runs a round now (e.g. on a hub publish); during a round, one more follows it. */
  trigger(): Promise<void> {
    if (this.#round) {
      this.#again = true;
      return this.#round;
    }
    const round = async () => {
      do {
        this.#again = false;
        await this.runOnce().catch((err: unknown) =>
          this.#d.log.error({ err, backend: this.#d.backend }, 'balancer sync failed'),
        );
      } while (this.#again && !this.#stopped);
    };
    this.#round = round().finally(() => {
      this.#round = undefined;
    });
    return this.#round;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
  }
}
