// The contenders of the control-quality benchmark and how each is built for a scenario; plus the
// offline-optimum bound, which is computed, not simulated.
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import type { Controller } from '../../sim/discrete/controller.ts';
import { KosmosController } from '../../sim/discrete/kosmos-controller.ts';
import { coresForRate, workloadParams } from '../../sim/discrete/sim-service.ts';
import type { Scenario } from '../../sim/scenario/types.ts';
import { offlineOptimum } from '../baselines/optimum.ts';
import { meanRate, type StaticSizing, staticSizing } from '../baselines/static.ts';
import { HpaContender } from './controllers/hpa-controller.ts';
import { KosmosOriginalContender } from './controllers/kosmos-original-controller.ts';
import { OracleContender } from './controllers/oracle-controller.ts';
import { StaticContender } from './controllers/static-controller.ts';
import { VpaContender } from './controllers/vpa-controller.ts';

export const CONTENDERS = [
  'kosmos',
  'kosmos-equal-lb',
  'hpa-cpu70',
  'hpa-cpu50',
  'hpa-rt',
  'vpa-recreate',
  'vpa-inplace',
  'kosmos-original',
  'static',
  'oracle',
] as const;
/**
 * Run only when named (--contender): kosmos with the response time from Prometheus (SLA
 * metrics.prometheus) scraped every 15 s / 5 s, window 4 scrapes, instead of the agent's own scrape.
 */
export const OPT_IN_CONTENDERS = ['kosmos-prometheus-15s', 'kosmos-prometheus-5s'] as const;
export type ContenderName = (typeof CONTENDERS)[number] | (typeof OPT_IN_CONTENDERS)[number];

/** Static sizing per service: fewest pods for the run's mean rate, each sized for its share. */
export function staticSizingOf(scenario: Scenario, durationSeconds: number): Map<string, StaticSizing> {
  const out = new Map<string, StaticSizing>();
  for (const s of scenario.services) {
    const params = workloadParams(s);
    out.set(
      s.name,
      staticSizing({
        meanRps: meanRate((t) => s.trace.rateAt(t), durationSeconds),
        sloSeconds: s.sla.sloSeconds,
        statistic: s.sla.statistic,
        minReplicas: s.sla.minReplicas,
        maxReplicas: s.sla.maxReplicas,
        minCpuMilli: s.sla.minCpuMilli,
        maxCpuMilli: s.sla.maxCpuMilli,
        coresForRate: (rps, slo, stat) => coresForRate(params, rps, slo, stat),
      }),
    );
  }
  return out;
}

/** Σ over services of the offline optimum's core-seconds (per-step intervals). */
export function optimumCoreSeconds(scenario: Scenario, durationSeconds: number): number {
  let total = 0;
  for (const s of scenario.services) {
    const params = workloadParams(s);
    total += offlineOptimum({
      rateAt: (t) => s.trace.rateAt(t),
      durationSeconds,
      intervalSeconds: scenario.stepSeconds,
      sloSeconds: s.sla.sloSeconds,
      statistic: s.sla.statistic,
      floorCores: (s.sla.minReplicas * s.sla.minCpuMilli) / 1000,
      coresForRate: (rps, slo, stat) => coresForRate(params, rps, slo, stat),
    }).coreSeconds;
  }
  return total;
}

export async function buildContender(
  name: ContenderName,
  scenario: Scenario,
  durationSeconds: number,
  kosmosTuning: Partial<KosmosTuning> = {},
): Promise<Controller | undefined> {
  switch (name) {
    // The hub's planService and the agent's arbiter, as the discrete engine's controller.
    case 'kosmos':
      return new KosmosController({ tuning: kosmosTuning });
    // The same controller without load-balancer weights: traffic splits equally over ready pods.
    case 'kosmos-equal-lb':
      return new KosmosController({
        weightedBalancing: false,
        name: 'kosmos-equal-lb',
        tuning: kosmosTuning,
      });
    case 'kosmos-prometheus-15s':
    case 'kosmos-prometheus-5s':
      return new KosmosController({
        name,
        tuning: kosmosTuning,
        prometheus: { scrapeIntervalSeconds: name === 'kosmos-prometheus-15s' ? 15 : 5 },
      });
    case 'hpa-cpu70':
      return new HpaContender({ kind: 'cpu', targetUtilizationPercent: 70 });
    case 'hpa-cpu50':
      return new HpaContender({ kind: 'cpu', targetUtilizationPercent: 50 });
    case 'hpa-rt':
      return new HpaContender({ kind: 'response-time' });
    case 'vpa-recreate':
    case 'vpa-inplace': {
      // VPA keeps the replica count: the static one, at least 2 so the updater may act (--min-replicas).
      const sizing = staticSizingOf(scenario, durationSeconds);
      const replicas = new Map([...sizing].map(([k, v]) => [k, Math.max(2, v.replicas)] as const));
      return new VpaContender(name === 'vpa-recreate' ? 'Recreate' : 'InPlaceOrRecreate', replicas);
    }
    case 'kosmos-original':
      return new KosmosOriginalContender();
    case 'static':
      return new StaticContender(staticSizingOf(scenario, durationSeconds));
    case 'oracle':
      return new OracleContender();
  }
}
