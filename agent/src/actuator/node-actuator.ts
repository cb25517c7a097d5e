// The agent's decide-and-act room: holds the grants in force, runs the node step on each new
// directive (or plans toward the grants in force), enacts the resizes and says why pods are capped.
import type { DecisionLog } from '../../../lib/decision-log.ts';
import type { KeyedWork } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
import type { NodeDirective__Output } from '../../../proto/gen/kosmos/v1/NodeDirective.ts';
import type { WriteLimiter } from '../edges.ts';
import type { AgentMetrics } from '../health/agent-metrics.ts';
import type { NodeView, TrackedPod } from '../pods/node-view.ts';
import type { Allocation, ResizeStatus } from '../pods/pod-resources.ts';
import { type CapState, capsOf } from './cap-state.ts';
import type { GrantPlan, PodGrant } from './grants.ts';
import { MemoryDecreaseMode } from './memory-decrease.ts';
import { type NodeStepSettings, nodeStep, type PodResizeStep, planResizes } from './node-step.ts';
import { type EnactedResize, ResizeExecutor } from './resize-executor.ts';
import { type ResizeBackoff, ResizeRetry } from './resize-retry.ts';
import type { Resizer } from './resizer.ts';

export interface NodeActuatorDeps {
  nodeName: string;
  settings: NodeStepSettings & { resizeBackoff: ResizeBackoff; waitMs: number };
  resizer: Resizer;
  limiter: WriteLimiter;
  metrics: AgentMetrics;
  log: Logger;
  decisions: DecisionLog;
  work: KeyedWork;
  now: () => number;
}

export interface PlanInput {
  /** The hub's answer this tick; undefined: plan toward the grants in force. */
  directive: NodeDirective__Output | undefined;
  view: NodeView;
  allocatable: Allocation | undefined;
  /** Working set per pod uid. */
  memoryUsageBytes: ReadonlyMap<string, number | undefined>;
  /** The tracked pods in the order their writes are tried this tick. */
  order: readonly TrackedPod[];
}

export class NodeActuator {
  readonly #d: NodeActuatorDeps;
  readonly #memoryDecrease: MemoryDecreaseMode;
  readonly #retry: ResizeRetry;
  readonly #executor: ResizeExecutor;
  #grants = new Map<string, PodGrant>();
  readonly #memoryHeld = new Map<string, number>();

  constructor(deps: NodeActuatorDeps) {
    this.#d = deps;
    this.#memoryDecrease = new MemoryDecreaseMode(deps.settings.memoryLimitDecrease);
    this.#retry = new ResizeRetry(deps.settings.resizeBackoff);
    this.#executor = new ResizeExecutor({
      ...deps,
      retry: this.#retry,
      memoryDecrease: this.#memoryDecrease,
      waitMs: deps.settings.waitMs,
      onGone: (uid) => this.#grants.delete(uid),
    });
  }

  get memoryLimitDecrease(): string {
    return this.#memoryDecrease.current;
  }

  /** When each pod was last resized by this agent. */
  get lastResizeTime(): ReadonlyMap<string, string> {
    return this.#executor.lastResizeTime;
  }

  /** The resize decisions of this tick (the node step on a new directive). */
  plan(input: PlanInput): PodResizeStep[] {
    const common = {
      tracked: input.order,
      memoryUsageBytes: input.memoryUsageBytes,
      retryAtMs: (uid: string) => this.#retry.retryAtMs(uid),
      nowMs: this.#d.now(),
    };
    let steps: PodResizeStep[];
    if (input.directive && input.allocatable) {
      const step = nodeStep({
        ...common,
        directive: input.directive,
        allocatable: input.allocatable,
        untrackedRequests: input.view.untrackedRequests,
        settings: { ...this.#d.settings, memoryLimitDecrease: this.#memoryDecrease.current },
      });
      this.#grants = new Map(step.grants.grants.map((g) => [g.uid, g]));
      this.#logArbitration(step.grants);
      steps = step.resizes;
    } else {
      if (input.directive) {
        this.#d.log.warn(
          { node: this.#d.nodeName },
          'node allocatable unknown; directive not applied this tick',
        );
      }
      steps = planResizes({
        ...common,
        grants: this.#grants,
        deadband: this.#d.settings.deadband,
        memoryLimitDecrease: this.#memoryDecrease.current,
      });
    }
    for (const s of steps) {
      if (s.memoryHeldBytes === undefined) this.#memoryHeld.delete(s.pod.uid);
      else this.#memoryHeld.set(s.pod.uid, s.memoryHeldBytes);
    }
    return steps;
  }

  enact(steps: readonly PodResizeStep[], outcomes: EnactedResize[]): Promise<Map<string, ResizeStatus>> {
    return this.#executor.enact(steps, outcomes);
  }

  /** Why each capped pod does not have what the hub desired, by uid. */
  caps(tracked: readonly TrackedPod[], fresh: ReadonlyMap<string, ResizeStatus>): Map<string, CapState> {
    return capsOf({ tracked, grants: this.#grants, memoryHeldBytes: this.#memoryHeld, fresh });
  }

  /** Forgets pods that left the node. */
  retain(uids: ReadonlySet<string>): void {
    for (const map of [this.#grants, this.#memoryHeld]) {
      for (const uid of map.keys()) if (!uids.has(uid)) map.delete(uid);
    }
    this.#executor.retain(uids);
    this.#d.decisions.retain((id) => id === 'node' || uids.has(id.slice(id.indexOf('/') + 1)));
  }

  /**
   * Logged when the decision changes (policy, capacity, whether it fits; per pod the kind of its
   * grant), with the inputs that made it: inputs that move without changing a grant (the hub's
   * desired and essential under no contention, free room) are not a new decision.
   */
  #logArbitration(plan: GrantPlan): void {
    const { decisions, log } = this.#d;
    decisions.log(
      'node',
      {
        policy: plan.policy,
        capacity: plan.capacity,
        allocatable: plan.allocatable,
        untracked: plan.untrackedRequests,
        reserve: plan.reserve,
        held: plan.heldRequests,
        cpu: plan.terms.cpu,
        memory: plan.terms.memory,
        unknownPods: plan.unknownPods,
      },
      (f) => log.info(f, 'node arbitration'),
      [plan.policy, plan.capacity, plan.terms.cpu.fits, plan.terms.memory.fits, plan.unknownPods],
    );
    for (const g of plan.grants) {
      // At info when the kind of decision changes (contended, SLA-bound, recommend-only or not); a
      // new amount of the same kind (the hub's desired moving with the load) only at debug.
      const kindChanged = decisions.changed(`arbitration/${g.uid}`, [g.reason, g.recommendOnly, plan.policy]);
      const amountChanged = decisions.changed(`grant/${g.uid}`, g.granted);
      if (!kindChanged && !(amountChanged && log.isLevelEnabled('debug'))) continue;
      const fields = {
        pod: g.pod,
        desired: g.desired,
        essential: g.essential,
        granted: g.granted,
        reason: g.reason,
        recommendOnly: g.recommendOnly,
        capacity: plan.capacity,
        policy: plan.policy,
      };
      if (kindChanged) log.info(fields, 'arbitrated');
      else log.debug(fields, 'arbitrated');
    }
  }
}
