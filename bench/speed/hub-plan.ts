// hub-plan: one hub control period at fleet scale with the hub's own model and pure control code —
// fold every node's report into the ClusterModel, plan every SLA (recommender + horizontal via
// planService), then build every node's directive — timed per phase, per SLA and per node.

import { nodeSampleFromWire } from '../../hub/src/agentserver/report-sample.ts';
import { planService } from '../../hub/src/control/plan.ts';
import { policyFromSla } from '../../hub/src/control/policy.ts';
import type { PodObservation, ServiceControlState, ServicePolicy } from '../../hub/src/control/types.ts';
import { roomIndex } from '../../hub/src/horizontal/room.ts';
import { observePod } from '../../hub/src/loop/observe.ts';
import { ClusterModel } from '../../hub/src/model/cluster-model.ts';
import type { NodeReport__Output } from '../../proto/gen/kosmos/v1/NodeReport.ts';
import { buildFleet, FLEET_SLA_SPEC, nodeReport } from './fleet.ts';
import { recordGcPauses, retainedMemory } from './gc.ts';
import { type BenchResult, metric } from './report.ts';
import { mib, summarize } from './stats.ts';

export interface HubPlanOptions {
  nodes: number;
  slas: number;
  podsPerSla: number;
  periods: number;
  /**
   * Nodes whose report folding and directive building are also timed one by one (fold per report,
   * directive per node percentiles; 0 = every node). The phases themselves are timed over every node.
   */
  sampleNodes: number;
}

export const HUB_PLAN_DEFAULTS = {
  nodes: 5000,
  slas: 5000,
  podsPerSla: 30,
  periods: 3,
  sampleNodes: 250,
} as const;
export const HUB_PLAN_QUICK = {
  nodes: 5000,
  slas: 5000,
  podsPerSla: 30,
  periods: 2,
  sampleNodes: 100,
} as const;

const PERIOD_SECONDS = 1;

/** Evenly spaced node indexes, `count` of them (all when count is 0 or ≥ total). */
export function sampleOf(total: number, count: number): number[] {
  if (count <= 0 || count >= total) return Array.from({ length: total }, (_, i) => i);
  const step = total / count;
  return Array.from({ length: count }, (_, i) => Math.floor(i * step));
}

function policy(): ServicePolicy {
  const result = policyFromSla(FLEET_SLA_SPEC);
  if (!result.policy) throw new Error(`bench SLA invalid: ${JSON.stringify(result.errors)}`);
  return result.policy;
}

export async function runHubPlan(o: HubPlanOptions): Promise<BenchResult> {
  const started = performance.now();
  const fleet = buildFleet(o.nodes, o.slas, o.podsPerSla);
  const pods = o.slas * o.podsPerSla;
  const policies = fleet.slaKeys.map(() => policy());
  const states: (ServiceControlState | undefined)[] = fleet.slaKeys.map(() => undefined);
  // What each pod's agent has enacted (its last desired), by fleet index: the simulated agents' state,
  // kept out of the timed hub work (a write to an array, not to a 150,000-entry map).
  const enacted = new Float64Array(pods).fill(500);
  const podIndex = new Map<string, number>();
  fleet.slaPods.forEach((slaPods, s) => {
    slaPods.forEach((p, j) => {
      podIndex.set(p.uid, s * o.podsPerSla + j);
    });
  });
  const enactedOf = (uid: string) => enacted[podIndex.get(uid) ?? -1] ?? 500;
  const model = new ClusterModel();
  const memBefore = retainedMemory();
  const gc = recordGcPauses();
  const planWindows: [number, number][] = [];
  const foldMs: number[] = [];
  const planMs: number[] = [];
  const roomMs: number[] = [];
  const directiveMs: number[] = [];
  const perSlaMs: number[] = [];
  const perReportMs: number[] = [];
  const perNodeDirectiveMs: number[] = [];
  let decisions = 0;
  let directivePods = 0;
  let nowMs = Date.now();

  const sampled = sampleOf(o.nodes, o.sampleNodes);
  const timedOneByOne = new Set(sampled);
  let buildMs = 0;
  for (let period = 1; period <= o.periods + 1; period++) {
    nowMs += PERIOD_SECONDS * 1000;
    // the first period builds the model and the recommender states and is not measured
    const measured = period > 1;
    // every node reports every period, as at 1 s ticks; the phase is timed as a whole (a GC pause
    // counts where it falls, once), and the sampled reports one by one as well
    // (the simulated agents' reports are built first, untimed)
    const reports = fleet.nodes.map((_, n) => nodeReport(fleet, n, period, PERIOD_SECONDS, enactedOf, nowMs));
    const f0 = performance.now();
    for (let n = 0; n < o.nodes; n++) {
      const report = reports[n] as NodeReport__Output;
      if (measured && timedOneByOne.has(n)) {
        const r0 = performance.now();
        model.foldReport(nodeSampleFromWire(report), nowMs);
        perReportMs.push(performance.now() - r0);
      } else model.foldReport(nodeSampleFromWire(report), nowMs);
    }
    reports.length = 0;
    if (measured) foldMs.push(performance.now() - f0);
    else buildMs += performance.now() - f0;

    const t = performance.now();
    // As the control loop: where a new pod could land, indexed once per period.
    const room = roomIndex(model.nodeRoom());
    if (measured) roomMs.push(performance.now() - t);
    for (let s = 0; s < o.slas; s++) {
      const s0 = performance.now();
      const observations: PodObservation[] = (fleet.slaPods[s] ?? []).map((p) => {
        const obs = model.observation(p.uid);
        return observePod(
          {
            key: p.uid,
            name: p.uid,
            ready: obs?.sample.ready ?? false,
            unschedulable: false,
            specResources: { cpuMilli: 0, memoryBytes: 0 },
            sample: obs?.sample,
            reportWindowSeconds: obs?.windowSeconds ?? 0,
            fresh: obs !== undefined && model.isFreshObservation(obs),
          },
          { statistic: 'p95', scraped: false, hub: undefined },
        );
      });
      const pol = policies[s] as ServicePolicy;
      const plan = planService(pol, states[s], {
        nowSeconds: nowMs / 1000,
        currentReplicas: o.podsPerSla,
        readyReplicas: observations.length,
        pods: observations,
        scaleOutRoomCpuMilli: room((policies[s] as ServicePolicy).minResources.cpuMilli),
      });
      states[s] = plan.state;
      decisions += plan.decisions.length;
      const slaPods = fleet.slaPods[s] ?? [];
      plan.pods.forEach((pp, i) => {
        const p = slaPods[i];
        if (!p) return;
        model.setPlan(p.uid, p.node, {
          uid: p.uid,
          namespace: p.namespace,
          name: p.name,
          container: 'app',
          desired: pp.desired,
          minimum: pol.minResources,
          essential: { cpuMilli: pp.essentialCpuMilli, memoryBytes: 0 },
          maximum: pol.maxResources,
          priority: pol.priority,
          recommendOnly: false,
          sla: fleet.slaKeys[s] as string,
        });
        enacted[s * o.podsPerSla + i] = pp.desired.cpuMilli;
      });
      if (measured) perSlaMs.push(performance.now() - s0);
    }
    if (measured) {
      const end = performance.now();
      planMs.push(end - t);
      planWindows.push([t, end]);
    }

    if (!measured) continue;
    const d0 = performance.now();
    for (let n = 0; n < o.nodes; n++) {
      const node = fleet.nodes[n] as string;
      if (timedOneByOne.has(n)) {
        const n0 = performance.now();
        directivePods += model.directivesFor(node).length;
        perNodeDirectiveMs.push(performance.now() - n0);
      } else directivePods += model.directivesFor(node).length;
    }
    directiveMs.push(performance.now() - d0);
  }
  await gc.stop();
  const planGcMs = gc.within(planWindows) / Math.max(1, planWindows.length);
  const memAfter = retainedMemory();
  const fold = summarize(foldMs);
  const plan = summarize(planMs);
  const directive = summarize(directiveMs);
  const totalMs = fold.mean + plan.mean + directive.mean;
  const periodMs = summarize(foldMs.map((f, i) => f + (planMs[i] ?? 0) + (directiveMs[i] ?? 0)));
  const sla = summarize(perSlaMs);
  const measuredPeriods = foldMs.length;
  return {
    name: 'hub-plan',
    title: `hub control period at ${o.nodes.toLocaleString('en-US')} nodes / ${pods.toLocaleString('en-US')} pods`,
    params: {
      nodes: o.nodes,
      slas: o.slas,
      podsPerSla: o.podsPerSla,
      pods,
      measuredPeriods,
      sampleNodes: sampled.length,
    },
    metrics: [
      metric('period total (fold + plan + directives)', totalMs, 'ms', 'mean over measured periods'),
      metric(
        'hub period p99 ms',
        periodMs.p99,
        'ms',
        `${periodMs.count} measured periods (with few periods this is their max)`,
      ),
      metric('  fold reports into model', fold.mean, 'ms', `${o.nodes} NodeReports`),
      metric('  plan all SLAs', plan.mean, 'ms', 'recommender + horizontal, per SLA (incl. the room index)'),
      metric(
        '    index free node CPU (room)',
        summarize(roomMs).mean,
        'ms',
        `${o.nodes} nodes; the hub builds it only in periods with a node-capped pod, here every period`,
      ),
      metric(
        '    GC pauses while planning',
        planGcMs,
        'ms',
        'mean per measured period: collector pauses that started in the planning phase',
      ),
      metric('  build node directives', directive.mean, 'ms', `${o.nodes} directivesFor() calls`),
      metric('pods planned per second', (pods * 1000) / plan.mean, '/s', 'planning phase only'),
      metric('pods per second, whole period', (pods * 1000) / totalMs, '/s'),
      metric('per-SLA decision latency p50', sla.p50, 'ms', `${o.podsPerSla} pods each`),
      metric('per-SLA decision latency p99', sla.p99, 'ms'),
      metric('per-SLA decision latency max', sla.max, 'ms'),
      metric('fold per report p50', summarize(perReportMs).p50, 'ms'),
      metric('fold per report p99', summarize(perReportMs).p99, 'ms'),
      metric('directive per node p99', summarize(perNodeDirectiveMs).p99, 'ms'),
      metric(
        '1 s period sustainable',
        totalMs < 1000,
        'bool',
        `needs < 1000 ms; ${(totalMs / 1000).toFixed(2)} s used`,
      ),
      metric(
        'decisions per period',
        Math.round(decisions / (o.periods + 1)),
        'count',
        'pods whose desired moved, + replica changes',
      ),
      metric('directive pods per period', directivePods / o.periods, 'count'),
      metric('model build (first period fold)', buildMs, 'ms', 'all reports into an empty model'),
      metric(
        'heap retained by model + state',
        mib(memAfter.heapUsedBytes - memBefore.heapUsedBytes),
        'MiB',
        'after a full GC',
      ),
      metric('heap retained at end', mib(memAfter.heapUsedBytes), 'MiB'),
    ],
    notes: [
      ...(sampled.length < o.nodes
        ? [
            `Every node reports every period; folding and directives are timed over all ${o.nodes} nodes, and one by one on ${sampled.length} of them for the per-report and per-node percentiles; planning covers every SLA.`,
          ]
        : []),
      'Pure control and the hub model in one thread, no gRPC and no API writes (grpc-reports measures the agent server); the first period (model and recommender state build-up) is not measured.',
    ],
    wallSeconds: (performance.now() - started) / 1000,
  };
}
