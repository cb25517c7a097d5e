// Enacts the node step's resize decisions: one pods/resize request per pod at a time (a hung one
// holds only its pod), within the write budget, with backoff after failures; waits a bounded time
// and hands back what the API server answered by then.
import type { DecisionLog } from '../../../lib/decision-log.ts';
import { type KeyedWork, settleWithin } from '../../../lib/keyed-work.ts';
import type { Logger } from '../../../lib/log.ts';
import type { WriteLimiter } from '../edges.ts';
import type { AgentMetrics, ResizeOutcome } from '../health/agent-metrics.ts';
import { type ResizeStatus, resizeStatusOf } from '../pods/pod-resources.ts';
import type { MemoryDecreaseMode } from './memory-decrease.ts';
import type { PodResizeStep } from './node-step.ts';
import type { ResizeRetry } from './resize-retry.ts';
import type { ResizeFailure, Resizer } from './resizer.ts';

export interface ResizeExecutorDeps {
  resizer: Resizer;
  limiter: WriteLimiter;
  metrics: AgentMetrics;
  log: Logger;
  decisions: DecisionLog;
  work: KeyedWork;
  retry: ResizeRetry;
  memoryDecrease: MemoryDecreaseMode;
  /** How long enact() waits for the requests it started. */
  waitMs: number;
  /** Called when a pod is gone from the API server: its grant is dropped. */
  onGone: (uid: string) => void;
  now: () => number;
}

export interface EnactedResize {
  pod: string;
  outcome: ResizeOutcome;
}

const OUTCOME_OF_FAILURE: Record<ResizeFailure, ResizeOutcome> = {
  'not-found': 'not_found',
  conflict: 'conflict',
  rejected: 'rejected',
  throttled: 'throttled',
  error: 'error',
};

export class ResizeExecutor {
  readonly #d: ResizeExecutorDeps;
  /** When each pod was last resized by this agent (PodScale status lastResizeTime). */
  readonly lastResizeTime = new Map<string, string>();

  constructor(deps: ResizeExecutorDeps) {
    this.#d = deps;
  }

  /**
   * Runs each step on the pod's own work slot; returns, after at most waitMs, the pods the API
   * server answered with, and pushes each step's outcome into `outcomes`.
   */
  async enact(
    steps: readonly PodResizeStep[],
    outcomes: EnactedResize[],
  ): Promise<Map<string, ResizeStatus>> {
    const fresh = new Map<string, ResizeStatus>();
    const started: Array<Promise<void> | undefined> = [];
    for (const step of steps) {
      const podKey = `${step.pod.namespace}/${step.pod.name}`;
      const run = this.#d.work.submit(`resize/${step.pod.uid}`, async () => {
        try {
          const outcome = await this.#enactOne(step, podKey, fresh);
          if (outcome) {
            this.#d.metrics.resizeRequests.inc({ outcome });
            outcomes.push({ pod: podKey, outcome });
          }
        } catch (err) {
          this.#d.metrics.resizeRequests.inc({ outcome: 'error' });
          outcomes.push({ pod: podKey, outcome: 'error' });
          this.#d.log.error({ err, pod: podKey }, 'resize step failed for pod');
        }
      });
      if (!run) {
        this.#d.metrics.resizeRequests.inc({ outcome: 'in_flight' });
        outcomes.push({ pod: podKey, outcome: 'in_flight' });
      }
      started.push(run);
    }
    await settleWithin(started, this.#d.waitMs);
    return new Map(fresh);
  }

  /** Forgets pods that left the node. */
  retain(uids: ReadonlySet<string>): void {
    this.#d.retry.retain(uids);
    for (const uid of this.lastResizeTime.keys()) if (!uids.has(uid)) this.lastResizeTime.delete(uid);
  }

  async #enactOne(
    step: PodResizeStep,
    podKey: string,
    fresh: Map<string, ResizeStatus>,
  ): Promise<ResizeOutcome | undefined> {
    const { pod, grant, decision } = step;
    const { log, decisions } = this.#d;
    switch (decision.kind) {
      case 'recommend-only':
        decisions.log(
          `resize/${pod.uid}`,
          { pod: podKey, desired: grant.desired, outcome: 'recommend_only' },
          (f) => log.info(f, 'resize skipped: SLA mode Recommend'),
        );
        return undefined;
      case 'skip':
        if (decision.reason === 'unchanged') return undefined;
        decisions.log(
          `resize/${pod.uid}`,
          {
            pod: podKey,
            desired: grant.desired,
            granted: grant.granted,
            current: pod.spec,
            qos: pod.qosClass,
            outcome: decision.reason,
          },
          (f) => log.info(f, 'resize skipped'),
        );
        return decision.reason === 'best-effort' ? 'best_effort' : 'deadband';
      case 'backoff':
        return 'backoff';
      case 'patch':
        break;
    }
    if (!this.#d.limiter.tryTake()) return 'throttled';
    const nowMs = this.#d.now();
    const fields = {
      pod: podKey,
      container: pod.container,
      qos: pod.qosClass,
      desired: grant.desired,
      granted: grant.granted,
      requested: decision.plan.requested,
      current: pod.spec,
      reason: grant.reason,
      memoryUsageBytes: step.memoryUsageBytes,
    };
    const result = await this.#d.resizer.resize(pod.namespace, pod.name, decision.plan.body);
    if (result.ok) {
      this.#d.retry.succeeded(pod.uid);
      this.lastResizeTime.set(pod.uid, new Date(nowMs).toISOString());
      fresh.set(pod.uid, resizeStatusOf(result.pod));
      // one per resize, each following a logged grant: debug (at info, a busy node's log would be all these)
      log.debug(fields, 'resize requested');
      return 'applied';
    }
    if (result.failure === 'not-found') {
      this.#d.onGone(pod.uid);
      log.info({ ...fields, message: result.message }, 'resize target gone; dropped');
      return 'not_found';
    }
    if (result.failure === 'rejected' && this.#d.memoryDecrease.rejected(result.message)) {
      log.warn(
        { ...fields, message: result.message },
        'server refuses memory limit decreases; no longer attempting them',
      );
      return 'rejected';
    }
    const delayMs = this.#d.retry.failed(pod.uid, result.failure, this.#d.now(), result.retryAfterMs);
    log.warn(
      { ...fields, status: result.status, message: result.message, retryInMs: delayMs },
      'resize request failed',
    );
    return OUTCOME_OF_FAILURE[result.failure];
  }
}
