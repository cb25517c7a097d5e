// Tables of the control-quality benchmark: one per workload (terminal via cli-table3, and Markdown for
// the README), and the goal check of kosmos against HPA, KOSMOS-original and the optimum.
import Table from 'cli-table3';
import type { Figures } from './figures.ts';

export type WorkloadResult = { workload: string; optimumCoreSeconds: number; figures: Figures[] };

const HEAD = [
  'contender',
  'SLO viol. %',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'core·s',
  '× opt',
  'CPU util %',
  'resizes',
  'replica Δ',
  'restarts',
  'dropped %',
];

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '—');
const f1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '—');

function rows(w: WorkloadResult): string[][] {
  const out = w.figures.map((f) => [
    f.contender,
    f1(f.sloViolationPct),
    f0(f.p50Ms),
    f0(f.p95Ms),
    f0(f.p99Ms),
    f0(f.coreSeconds),
    f2(f.vsOptimum),
    f0(f.cpuUtilizationPct),
    String(f.resizes),
    String(f.replicaChanges),
    String(f.restarts),
    f1(f.droppedPct),
  ]);
  out.push([
    'optimum (bound)',
    '—',
    '—',
    '—',
    '—',
    f0(w.optimumCoreSeconds),
    '1.00',
    '—',
    '—',
    '—',
    '—',
    '—',
  ]);
  return out;
}

export function terminalTable(w: WorkloadResult): string {
  const t = new Table({ head: HEAD, style: { head: [], border: [] } });
  for (const r of rows(w)) t.push(r);
  return `${w.workload}\n${t.toString()}`;
}

export function markdownTable(w: WorkloadResult): string {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows(w)) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export type GoalCheck = {
  workload: string;
  against: string;
  /** kosmos / other SLO-violation time (goal ≤ 0.2). */
  violationRatio: number;
  /** kosmos / other core-seconds (goal ≤ 0.8 for HPA, ≤ 1.25 for the optimum). */
  coreRatio: number;
  met: boolean;
};

/** The goal: violations ≤ 1/5 of HPA's and KOSMOS-original's; cores ≤ 0.8 × HPA, ≤ 1.25 × optimum. */
export function goalChecks(w: WorkloadResult): GoalCheck[] {
  const kosmos = w.figures.find((f) => f.contender === 'kosmos');
  if (!kosmos) return [];
  const out: GoalCheck[] = [];
  const ratio = (a: number, b: number): number => (b > 0 ? a / b : a > 0 ? Number.POSITIVE_INFINITY : 0);
  for (const other of w.figures) {
    const isHpa = other.contender.startsWith('hpa-');
    if (!isHpa && other.contender !== 'kosmos-original') continue;
    const violationRatio = ratio(kosmos.sloViolationPct, other.sloViolationPct);
    const coreRatio = kosmos.coreSeconds / other.coreSeconds;
    out.push({
      workload: w.workload,
      against: other.contender,
      violationRatio,
      coreRatio,
      met: violationRatio <= 0.2 && (!isHpa || coreRatio <= 0.8),
    });
  }
  const vsOpt = kosmos.coreSeconds / w.optimumCoreSeconds;
  out.push({
    workload: w.workload,
    against: 'optimum',
    violationRatio: Number.NaN,
    coreRatio: vsOpt,
    met: vsOpt <= 1.25,
  });
  return out;
}

export function goalTable(checks: readonly GoalCheck[]): string {
  const t = new Table({
    head: ['workload', 'kosmos vs', 'violation ratio (≤ 0.2)', 'core ratio', 'met'],
    style: { head: [], border: [] },
  });
  for (const c of checks)
    t.push([c.workload, c.against, f2(c.violationRatio), f2(c.coreRatio), c.met ? 'yes' : 'no']);
  return t.toString();
}
