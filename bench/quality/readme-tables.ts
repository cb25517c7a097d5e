// The README's "How it compares" tables, rendered from a quality.json (`npm run bench:readme --
// --quality FILE`): every figure in them is a mean (min–max) over the run's seeds, so the prose
// around them can be checked against the file it names.
import type { WorkloadGoal } from './fronts.ts';
import { goalsMarkdown } from './report.ts';
import type { SeedRow } from './seeds.ts';

/** What the README calls each contender it shows, in the order it shows them. */
export const README_CONTENDERS: ReadonlyArray<readonly [name: string, label: string]> = [
  ['kosmos', '**kosmos** (default)'],
  ['kosmos-sigma3', 'kosmos, σ 3'],
  ['kosmos-sigma1', 'kosmos, σ 1'],
  ['hpa-cpu30', 'HPA CPU 30 %'],
  ['hpa-cpu50', 'HPA CPU 50 %'],
  ['hpa-cpu70', 'HPA CPU 70 %'],
  ['hpa-cpu90', 'HPA CPU 90 %'],
  ['hpa-cpu50-burstable', 'HPA CPU 50 %, Burstable'],
  ['hpa-rt', 'HPA response time (target SLO)'],
  ['hpa-rt-x0.5', 'HPA response time (target SLO/2)'],
  ['vpa-inplace', 'VPA InPlaceOrRecreate (8 days warm)'],
  ['vpa-recreate', 'VPA Recreate (8 days warm)'],
  ['kosmos-original', 'KOSMOS (original law)'],
  ['static', 'static (sized for the mean)'],
  ['static-x2', 'static (twice the mean)'],
];

/** The contenders shown beside the workloads that break kosmos's model. */
export const BREAKING_CONTENDERS: readonly string[] = [
  'kosmos',
  'kosmos-sigma3',
  'kosmos-sigma1',
  'hpa-cpu30',
  'hpa-cpu50',
  'hpa-cpu70',
  'hpa-cpu90',
  'hpa-rt',
  'hpa-rt-x0.5',
];

const f1 = (v: number): string => v.toFixed(1);

/** `1.3 % (0.8–1.9) · 1.78×`: violation mean (min–max) and × bound mean. */
export function seedCell(row: SeedRow): string {
  const v = row.violationPct;
  const bound = Number.isFinite(row.vsBound.mean) ? ` · ${row.vsBound.mean.toFixed(2)}×` : '';
  return `${f1(v.mean)} % (${f1(v.min)}–${f1(v.max)})${bound}`;
}

/**
 * Contenders down, workloads across; kosmos's default row in bold. A contender that did not run
 * on a workload shows "—"; one that ran on none is left out, so a `--contender` run still renders.
 */
export function contenderMarkdown(
  rows: readonly SeedRow[],
  workloads: readonly string[],
  contenders: readonly string[],
): string {
  const labels = new Map(README_CONTENDERS);
  const cell = new Map(rows.map((r) => [`${r.workload}\u0000${r.contender}`, r]));
  const lines = [`| contender | ${workloads.join(' | ')} |`, `|${'---|'.repeat(workloads.length + 1)}`];
  for (const name of contenders) {
    const cells = workloads.map((w) => cell.get(`${w}\u0000${name}`));
    if (cells.every((c) => c === undefined)) continue;
    const bold = name === 'kosmos';
    const text = cells.map((c) => (c === undefined ? '—' : bold ? `**${seedCell(c)}**` : seedCell(c)));
    lines.push(`| ${labels.get(name) ?? name} | ${text.join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface QualityReadmeInput {
  command: string;
  wallSeconds: number;
  goals: readonly WorkloadGoal[];
  acrossSeeds: readonly SeedRow[];
}

/** The three blocks the README carries, by marker name. */
export function qualityBlocks(doc: QualityReadmeInput): Record<string, string> {
  const breaking = doc.goals.filter((g) => g.split.startsWith('test (')).map((g) => g.workload);
  const main = doc.goals.filter((g) => !g.split.startsWith('test (')).map((g) => g.workload);
  const source = `From \`${doc.command}\` (${Math.round(doc.wallSeconds)} s wall).`;
  return {
    'quality table': `${contenderMarkdown(
      doc.acrossSeeds,
      main,
      README_CONTENDERS.map(([n]) => n),
    )}\n\n${source}`,
    'quality goals': goalsMarkdown(doc.goals),
    'quality breaking': contenderMarkdown(doc.acrossSeeds, breaking, BREAKING_CONTENDERS),
  };
}
