// hub-shards: a measured simulation of the sharded hub designed in docs/scale.md. SLAs are split over
// S hub shards by hash, so one shard plans 1/S of the SLAs of the 150,000-pod fleet, and every agent
// opens one stream per shard carrying that shard's pods (30/S of its 30). One shard is run alone, as
// if on its own node, with the single hub's code: hub-plan over its slice (fold + plan + directives)
// and grpc-reports with 5,000 streams of its pods. A simulation: no Leases, no second process.

import { GRPC_REPORTS_DEFAULTS, GRPC_REPORTS_QUICK } from './grpc-reports.ts';
import { HUB_PLAN_DEFAULTS, HUB_PLAN_QUICK } from './hub-plan.ts';
import { inHubProcess } from './hub-process.ts';
import { type BenchResult, type Metric, metric, metricValue } from './report.ts';

export interface HubShardsOptions {
  /** Shard counts to simulate; 1 is the single hub, measured in the same run for the ratios. */
  shards: readonly number[];
  quick: boolean;
}

export const HUB_SHARDS_DEFAULTS = { shards: [1, 2, 3, 4], quick: false } as const;

/** One shard's slice of the fleet: its SLAs (hash partition: an even split) and its pods per node. */
export function shardSlice(
  shards: number,
  fleet: { slas: number; podsPerNode: number },
): { slas: number; podsPerNode: number } {
  return {
    slas: Math.ceil(fleet.slas / shards),
    podsPerNode: Math.ceil(fleet.podsPerNode / shards),
  };
}

function num(result: BenchResult, name: string): number | null {
  const v = metricValue(result, name);
  return typeof v === 'number' ? v : null;
}

export async function runHubShards(o: HubShardsOptions): Promise<BenchResult> {
  const started = performance.now();
  const plan = o.quick ? HUB_PLAN_QUICK : HUB_PLAN_DEFAULTS;
  const ingest = o.quick ? GRPC_REPORTS_QUICK : GRPC_REPORTS_DEFAULTS;
  const metrics: Metric[] = [];
  const notes: string[] = [];
  let single: { periodMs: number | null; cpuPerReportMs: number | null } | undefined;
  for (const s of o.shards) {
    const slice = shardSlice(s, { slas: plan.slas, podsPerNode: ingest.podsPerNode });
    const period = await inHubProcess({ bench: 'hub-plan', options: { ...plan, slas: slice.slas } });
    const reports = await inHubProcess({
      bench: 'grpc-reports',
      options: { ...ingest, podsPerNode: slice.podsPerNode },
    });
    const periodMs = num(period, 'hub period p99 ms');
    const perSecond = num(reports, 'hub reports per s');
    const cpuPerReportMs = num(reports, 'saturated: hub CPU per report');
    single ??= { periodMs, cpuPerReportMs };
    const ratio = (v: number | null, base: number | null) =>
      v !== null && base ? ` (${(v / base).toFixed(2)} × one hub)` : '';
    const label = s === 1 ? '1 shard (one hub)' : `${s} shards`;
    metrics.push(
      metric(
        `${label}: period p99 per shard`,
        periodMs,
        'ms',
        `${slice.slas} SLAs × ${plan.podsPerSla} pods on ${plan.nodes} nodes${ratio(periodMs, single.periodMs)}`,
      ),
      metric(
        `${label}: plan all SLAs per shard`,
        num(period, '  plan all SLAs'),
        'ms',
        'recommender + horizontal over the shard’s SLAs',
      ),
      metric(
        `${label}: reports per s per shard`,
        perSecond,
        '/s',
        `saturated, ${ingest.agents} streams × ${slice.podsPerNode} pods; every agent reports to every shard`,
      ),
      metric(
        `${label}: hub CPU per report`,
        cpuPerReportMs,
        'ms',
        `server thread, saturated${ratio(cpuPerReportMs, single.cpuPerReportMs)}`,
      ),
      metric(
        `${label}: reports per s on one free core`,
        num(reports, 'hub reports per s on one free core'),
        '/s',
        '1 s ÷ hub CPU per report',
      ),
      metric(
        `${label}: shard CPU for 5,000 reports/s`,
        cpuPerReportMs === null ? null : (cpuPerReportMs * ingest.agents) / 10,
        '%',
        'of one core: CPU per report × one report per node per second',
      ),
    );
    notes.push(...reports.notes.filter((n) => n.startsWith('stream error')).map((n) => `${label}: ${n}`));
  }
  return {
    name: 'hub-shards',
    title: `simulated hub shards (${o.shards.join(', ')}): one shard's slice of ${plan.nodes.toLocaleString('en-US')} nodes / ${(plan.slas * plan.podsPerSla).toLocaleString('en-US')} pods, run alone`,
    params: {
      shards: o.shards.join(','),
      nodes: plan.nodes,
      slas: plan.slas,
      podsPerSla: plan.podsPerSla,
      agents: ingest.agents,
      podsPerNode: ingest.podsPerNode,
    },
    metrics,
    notes: [
      'A simulation of docs/scale.md: SLAs hash-partitioned over S shards (an even split), each agent streaming each shard only that shard’s pods. One shard runs alone with the single hub’s code, as if it had a node to itself; Leases, a second hub process and the agents’ S streams per node are not run. Shards are symmetric, so one stands for all.',
      ...notes,
    ],
    wallSeconds: (performance.now() - started) / 1000,
  };
}
