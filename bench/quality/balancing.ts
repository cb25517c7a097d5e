// The effect of resource-aware load balancing: kosmos with the hub's per-pod weights vs the same
// controller with an equal split (kosmos-equal-lb), per workload — SLO violations and core-seconds.
import Table from 'cli-table3';
import type { WorkloadResult } from './report.ts';

export type BalancingRow = {
  workload: string;
  weightedViolationPct: number;
  equalViolationPct: number;
  weightedCoreSeconds: number;
  equalCoreSeconds: number;
  weightedP95Ms: number;
  equalP95Ms: number;
};

/** Undefined when the run lacks either variant. */
export function balancingRow(w: WorkloadResult): BalancingRow | undefined {
  const weighted = w.figures.find((f) => f.contender === 'kosmos');
  const equal = w.figures.find((f) => f.contender === 'kosmos-equal-lb');
  if (!weighted || !equal) return undefined;
  return {
    workload: w.workload,
    weightedViolationPct: weighted.sloViolationPct,
    equalViolationPct: equal.sloViolationPct,
    weightedCoreSeconds: weighted.coreSeconds,
    equalCoreSeconds: equal.coreSeconds,
    weightedP95Ms: weighted.p95Ms,
    equalP95Ms: equal.p95Ms,
  };
}

const HEAD = [
  'workload',
  'SLO viol. % weighted',
  'SLO viol. % equal split',
  'core·s weighted',
  'core·s equal split',
  'core·s ratio',
  'p95 ms weighted',
  'p95 ms equal split',
];

const cells = (r: BalancingRow): string[] => [
  r.workload,
  r.weightedViolationPct.toFixed(1),
  r.equalViolationPct.toFixed(1),
  r.weightedCoreSeconds.toFixed(0),
  r.equalCoreSeconds.toFixed(0),
  (r.weightedCoreSeconds / r.equalCoreSeconds).toFixed(2),
  r.weightedP95Ms.toFixed(0),
  r.equalP95Ms.toFixed(0),
];

export function balancingTable(rows: readonly BalancingRow[]): string {
  const t = new Table({ head: HEAD, style: { head: [], border: [] } });
  for (const r of rows) t.push(cells(r));
  return t.toString();
}

export function balancingMarkdown(rows: readonly BalancingRow[]): string {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${cells(r).join(' | ')} |`);
  return lines.join('\n');
}
