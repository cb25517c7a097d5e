// real.json as the README's table: per workload × contender what the client saw, what it cost, how
// often it acted, and what kosmos's own processes used.
//   node bench/real/table.ts [bench/results/real/real.json]
import { readFileSync } from 'node:fs';

interface Row {
  workload: string;
  contender: string;
  clientViolationPct: number;
  clientP99Ms: number;
  errorsPct: number;
  coreSecondsAllocated: number;
  coreSecondsUsed: number;
  resizes: number;
  replicaChanges: number;
  apiWritesPerPodPerMinute: number;
  /** Older real.json files lack it. */
  steadyWrites?: { apiWritesPerPodPerMinute: number; writes: number; podSeconds: number } | { why: string };
  processes: { name: string; cpuPercentOfCore: number; maxRssMiB: number }[];
  loadAverageBefore: number[];
  loadAverageAfter: number[];
}

const CONTENDER_NAMES: Record<string, string> = {
  kosmos: 'kosmos',
  'hpa-burstable': 'HPA 60 %, Burstable',
  'hpa-guaranteed': 'HPA 60 %, Guaranteed',
  static: 'static 2 × 300m',
};

/** Pure: the rows as a markdown table. */
export function markdownTable(rows: readonly Row[]): string {
  const f = (v: number, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const range = (xs: number[], d = 1) => {
    const [lo, hi] = [f(Math.min(...xs), d), f(Math.max(...xs), d)];
    return lo === hi ? lo : `${lo}–${hi}`;
  };
  const lines = [
    '| workload | contender | client SLO violation | client p99 | errors | core-s allocated / used | resizes | replica changes | API writes / pod / min: run · steady | hub CPU · RSS | agents CPU · RSS | load average |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const steady = (s: Row['steadyWrites']) =>
    s === undefined
      ? '-'
      : 'why' in s
        ? 'no steady phase'
        : `${f(s.apiWritesPerPodPerMinute, 2)} (${s.writes} in ${s.podSeconds} pod-s)`;
  for (const r of rows) {
    const hub = r.processes.filter((p) => p.name === 'hub');
    const agents = r.processes.filter((p) => p.name.startsWith('agent'));
    const footprint = (ps: Row['processes']) =>
      ps.length === 0
        ? '-'
        : `${range(ps.map((p) => p.cpuPercentOfCore))} % · ${range(
            ps.map((p) => p.maxRssMiB),
            0,
          )} MiB`;
    lines.push(
      `| ${r.workload} | ${CONTENDER_NAMES[r.contender] ?? r.contender} | ${f(r.clientViolationPct)} % | ${f(r.clientP99Ms)} ms | ${f(r.errorsPct, 1)} % | ${f(r.coreSecondsAllocated, 1)} / ${f(r.coreSecondsUsed, 1)} | ${r.resizes} | ${r.replicaChanges} | ${f(r.apiWritesPerPodPerMinute, 1)} · ${steady(r.steadyWrites)} | ${footprint(hub)} | ${footprint(agents)} | ${f(r.loadAverageBefore[0] ?? Number.NaN, 1)} → ${f(r.loadAverageAfter[0] ?? Number.NaN, 1)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'bench/results/real/real.json';
  const report = JSON.parse(readFileSync(file, 'utf8')) as { results: Row[] };
  console.log(markdownTable(report.results));
}
