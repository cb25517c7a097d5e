// Turns a service plan's decisions into one structured log line each, a Decision for the status
// API's watchers and a counter — once per change, not once per tick.
import type { CachedSla } from '../../../lib/api/cached-objects.ts';
import type { Logger } from '../../../lib/log.ts';
import type { ServicePlan } from '../control/types.ts';
import type { HubMetrics } from '../metrics/hub-metrics.ts';
import type { StatusBoard } from '../status/status-board.ts';

export interface DecisionContext {
  plan: ServicePlan;
  sla: CachedSla;
  /** The tracked pods by key (uid). */
  pods: ReadonlyMap<string, { name: string }>;
  /** Last published decision per subject ("h" or pod key), to publish each change once. */
  last: Map<string, string>;
  board: StatusBoard;
  metrics: HubMetrics;
  log: Logger;
  nowMs: number;
  recommendOnly: boolean;
}

export function publishDecisions(c: DecisionContext): void {
  const namespace = c.sla.metadata.namespace!;
  const slaName = c.sla.metadata.name!;
  const mode = c.recommendOnly ? 'Recommend' : 'Auto';
  for (const d of c.plan.decisions) {
    if (d.kind === 'vertical') {
      const sig = `${d.to.cpuMilli}/${d.to.memoryBytes}`;
      if (c.last.get(d.key) === sig) continue;
      c.last.set(d.key, sig);
      const pod = c.pods.get(d.key)?.name ?? d.key;
      c.log.info(
        { sla: `${namespace}/${slaName}`, pod, mode, from: d.from, to: d.to, terms: d.terms },
        d.reason,
      );
      c.metrics.decisions.inc({ kind: 'vertical' });
      c.board.publishDecision({
        timestampMs: c.nowMs,
        kind: 'vertical',
        namespace,
        sla: slaName,
        pod,
        summary: d.reason,
        from: d.from,
        to: d.to,
        reason: d.terms.cpuRule,
      });
    } else {
      const sig = `${d.from}->${d.to}`;
      if (c.last.get('h') === sig) continue;
      c.last.set('h', sig);
      c.log.info({ sla: `${namespace}/${slaName}`, mode, from: d.from, to: d.to, terms: d.terms }, d.reason);
      c.metrics.decisions.inc({ kind: 'horizontal' });
      c.board.publishDecision({
        timestampMs: c.nowMs,
        kind: 'horizontal',
        namespace,
        sla: slaName,
        summary: d.reason,
        replicasFrom: d.from,
        replicasTo: d.to,
        reason: c.plan.horizontal.reason,
      });
    }
  }
  for (const key of c.last.keys()) {
    if (key !== 'h' && !c.pods.has(key)) c.last.delete(key);
  }
}
