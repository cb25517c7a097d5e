// A run of the real-process benchmark second by second, five at a time: what the client saw (p95 of
// the requests sent in those 5 s), the offered rate, the CFS quota enacted and the CPU used, and for
// kosmos what the hub saw (the response time the agents scraped and reported, the rate, Σ desired and
// Σ capped CPU, the replicas it decided) — to tell a slow decision from a wrong one from a testbed
// that did not deliver.
//   node bench/real/timeline.ts [--real bench/results/real/real.json] [--workload step] [--contender kosmos] [--run 1]
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { positiveInt } from '../cli-args.ts';
import type { HubView } from './hub-view.ts';
import type { SecondSample } from './testbed.ts';

interface Series {
  workload: string;
  contender: string;
  /** 0-based run under `--repeat` (older real.json files lack it). */
  repeat?: number;
  seconds: SecondSample[];
  p95Per5s: { t: number; p95Ms: number; maxSendLagMs?: number }[];
}

export interface TimelineRow {
  t: number;
  offeredRps: number;
  clientP95Ms: number;
  /** The generator's worst send lag in the row, ms (older real.json files lack it). */
  maxSendLagMs?: number;
  /** Most requests HAProxy held queued in any second of the row. */
  balancerQueued?: number;
  quotaMilli: number;
  usedMilli: number;
  replicas: number;
  hubRtMs?: number;
  hubRate?: number;
  desiredMilli?: number;
  cappedMilli?: number;
  desiredReplicas?: number;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const total = (v: HubView, f: 'desiredMilli' | 'cappedMilli') => v.pods.reduce((a, p) => a + p[f], 0);

/** Pure: one run's per-second samples in rows of `width` seconds, means over each row. */
export function timeline(s: Series, width = 5): TimelineRow[] {
  return s.p95Per5s.map(({ t, p95Ms, maxSendLagMs }) => {
    const inRow = s.seconds.filter((x) => x.t >= t && x.t < t + width);
    const hub = inRow.flatMap((x) => (x.hub ? [x.hub] : []));
    const queued = inRow.flatMap((x) => (x.balancer ? [x.balancer.queued] : []));
    const row: TimelineRow = {
      t,
      offeredRps: mean(inRow.map((x) => x.offeredRps)),
      clientP95Ms: p95Ms,
      ...(maxSendLagMs === undefined ? {} : { maxSendLagMs }),
      ...(queued.length ? { balancerQueued: Math.max(...queued) } : {}),
      quotaMilli: mean(inRow.map((x) => x.allocatedMilli)),
      usedMilli: mean(inRow.map((x) => x.usedMilli)),
      replicas: Math.max(0, ...inRow.map((x) => x.replicas)),
    };
    if (hub.length === 0) return row;
    return {
      ...row,
      hubRtMs: mean(hub.map((v) => v.serviceRtMs).filter(Number.isFinite)),
      hubRate: mean(hub.map((v) => v.serviceRate)),
      desiredMilli: mean(hub.map((v) => total(v, 'desiredMilli'))),
      cappedMilli: mean(hub.map((v) => total(v, 'cappedMilli'))),
      desiredReplicas: Math.max(...hub.map((v) => v.desiredReplicas)),
    };
  });
}

async function main(): Promise<void> {
  const o = new Command('timeline')
    .description("a bench:real run in 5 s rows: the client's p95 beside quota, CPU used and the hub's view")
    .option('--real <file>', 'real.json', 'bench/results/real/real.json')
    .option('--workload <name>', 'only this workload')
    .option('--contender <name>', 'only this contender', 'kosmos')
    .option('--run <n>', 'only this run of a --repeat file (1 = the first)', positiveInt)
    .parse()
    .opts<{ real: string; workload?: string; contender: string; run?: number }>();
  const report = JSON.parse(readFileSync(o.real, 'utf8')) as { series: Series[] };
  const n = (v: number | undefined, d = 0) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
  for (const s of report.series) {
    if (s.contender !== o.contender || (o.workload && s.workload !== o.workload)) continue;
    if (o.run !== undefined && (s.repeat ?? 0) !== o.run - 1) continue;
    console.log(`\n${s.workload} × ${s.contender}${s.repeat === undefined ? '' : `, run ${s.repeat + 1}`}`);
    console.log(
      '| t s | offered rps | client p95 ms | send lag max ms | HAProxy queued | hub p95 ms | hub rps | quota m | used m | desired m | capped m | replicas (decided) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of timeline(s)) {
      console.log(
        `| ${r.t} | ${n(r.offeredRps, 1)} | ${n(r.clientP95Ms)} | ${n(r.maxSendLagMs)} | ${n(r.balancerQueued)} | ${n(r.hubRtMs)} | ${n(r.hubRate, 1)} | ${n(r.quotaMilli)} | ${n(r.usedMilli)} | ${n(r.desiredMilli)} | ${n(r.cappedMilli)} | ${r.replicas}${r.desiredReplicas === undefined ? '' : ` (${r.desiredReplicas})`} |`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
