// Tables of the control-quality benchmark: one per workload (terminal via cli-table3, and Markdown),
// the Pareto-front headline of kosmos against the HPA variants, and the goal check.
import Table from 'cli-table3';
import type { Figures } from './figures.ts';
import type { FamilyFront, WorkloadGoal } from './fronts.ts';
import type { PointComparison } from './pareto.ts';

export type WorkloadResult = { workload: string; boundCoreSeconds: number; figures: Figures[] };

const HEAD = [
  'contender',
  'SLO viol. %',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'core·s',
  '× bound',
  'met < bound',
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
    f2(f.vsBound),
    String(f.belowBoundWindows),
    f0(f.cpuUtilizationPct),
    String(f.resizes),
    String(f.replicaChanges),
    String(f.restarts),
    f1(f.droppedPct),
  ]);
  out.push([
    'bound (per 30 s window)',
    '—',
    '—',
    '—',
    '—',
    f0(w.boundCoreSeconds),
    '1.00',
    '—',
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

function markdown(head: readonly string[], body: readonly string[][]): string {
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of body) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

const pct = (x: number): string => `${f1(x)} %`;

/** Every family's points (mean over seeds), front points marked ★. */
export function frontsMarkdown(fronts: readonly FamilyFront[]): string {
  const body = fronts.flatMap((f) =>
    f.points
      .slice()
      .sort((a, b) => a.coreSeconds - b.coreSeconds)
      .map((p) => [
        f.family,
        `${p.name}${p.isDefault ? ' (default)' : ''}${f.front.includes(p) ? ' ★' : ''}`,
        pct(p.violationPct),
        f0(p.coreSeconds),
        f2(p.vsBound),
      ]),
  );
  return markdown(['family', 'contender (★ on its front)', 'SLO viol. %', 'core·s', '× bound'], body);
}

/** For each point of the HPA front: kosmos's cheapest point at ≤ its violation and best at ≤ its cores. */
export function headlineMarkdown(rows: readonly PointComparison[]): string {
  const body = rows.map((c) => [
    `${c.against.name}: ${pct(c.against.violationPct)} at ${f0(c.against.coreSeconds)} core·s`,
    c.atItsViolation
      ? `${f2(c.atItsViolation.coreRatio)}× (${c.atItsViolation.point.name})`
      : 'none reaches its violation',
    c.atItsCores
      ? `${pct(c.atItsCores.point.violationPct)} = ${f2(c.atItsCores.violationRatio)}× (${c.atItsCores.point.name})`
      : 'none as cheap',
    c.met ? 'yes' : 'no',
  ]);
  return markdown(
    ['HPA front point', 'kosmos cores at ≤ its violation', 'kosmos violation at ≤ its cores', 'goal met'],
    body,
  );
}

export function goalsMarkdown(goals: readonly WorkloadGoal[]): string {
  const body = goals.map((g) => [
    g.workload,
    g.split,
    g.vsHpa.met
      ? 'yes'
      : `no (${g.vsHpa.seeds.filter((s) => !s.met).length}/${g.vsHpa.seeds.length} seeds miss)`,
    g.vsHpa.defaultMet ? 'yes' : 'no',
    `${f2(g.vsBound.mean)} (${f2(g.vsBound.min)}–${f2(g.vsBound.max)})`,
    g.vsBound.met ? 'yes' : 'no',
  ]);
  return markdown(
    [
      'workload',
      'days',
      'vs HPA front (kosmos front, every seed)',
      'default kosmos alone',
      'kosmos × bound mean (min–max)',
      '≤ 1.5× bound (worst seed)',
    ],
    body,
  );
}

export function goalsTable(goals: readonly WorkloadGoal[]): string {
  const t = new Table({
    head: ['workload', 'days', 'vs HPA front', 'default alone', 'kosmos × bound (worst)', '≤ 1.5×'],
    style: { head: [], border: [] },
  });
  for (const g of goals) {
    t.push([
      g.workload,
      g.split,
      g.vsHpa.met ? 'yes' : 'no',
      g.vsHpa.defaultMet ? 'yes' : 'no',
      `${f2(g.vsBound.mean)} (${f2(g.vsBound.max)})`,
      g.vsBound.met ? 'yes' : 'no',
    ]);
  }
  return t.toString();
}
