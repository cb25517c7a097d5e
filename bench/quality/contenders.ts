// The contenders of the control-quality benchmark, each at its knob settings (a sweep per family
// gives a violation-vs-cores curve), and how each is built for a scenario.
import { RECOMMENDER_DEFAULTS } from '../../hub/src/recommender/defaults.ts';
import type { KosmosTuning } from '../../hub/src/recommender/types.ts';
import type { Controller } from '../../sim/discrete/controller.ts';
import { KosmosController } from '../../sim/discrete/kosmos-controller.ts';
import { coresForRate, workloadParams } from '../../sim/discrete/sim-service.ts';
import type { Scenario } from '../../sim/scenario/types.ts';
import { meanRate, type StaticSizing, staticSizing } from '../baselines/static.ts';
import { HpaContender } from './controllers/hpa-controller.ts';
import { KosmosOriginalContender } from './controllers/kosmos-original-controller.ts';
import { StaticContender } from './controllers/static-controller.ts';
import { VpaContender, type VpaHistory } from './controllers/vpa-controller.ts';
import { DAY_SECONDS } from './split.ts';
import { type TraceWindow, type TraceWorkload, windowFileRates } from './trace-windows.ts';

/** Contenders of one family differ only in their knob; a family's runs form its Pareto front. */
export const FAMILIES = [
  'kosmos',
  'kosmos-equal-lb',
  'hpa-cpu',
  'hpa-cpu-burstable',
  'hpa-rt',
  'vpa-inplace',
  'vpa-recreate',
  'kosmos-original',
  'static',
  'kosmos-prometheus',
] as const;
export type Family = (typeof FAMILIES)[number];

export type ContenderSpec = {
  name: string;
  family: Family;
  /** What the knob is and its value here (absent for families without one). */
  knob?: { name: string; value: number };
  /** The family's default setting (what a user gets without tuning). */
  isDefault: boolean;
};

/** The kosmos recommender's `rateNoiseSigmas`: how many standard deviations of the rate pods are sized for. */
const KOSMOS_SIGMAS = [1, 3];
const KOSMOS_DEFAULT_SIGMAS = RECOMMENDER_DEFAULTS.tuning.rateNoiseSigmas;
const HPA_CPU_TARGETS = [30, 50, 70, 90];
/** HPA on response time: target = SLO × factor. */
const HPA_RT_FACTORS = [0.5, 1];
/** Static: sized for the run's mean rate × headroom. */
const STATIC_HEADROOM = [1, 2];
/** Burstable HPA pods: request 500m (half the Guaranteed size), limit the SLA's per-pod maximum. */
export const BURSTABLE = { requestMilli: 500, limitMilli: 2000 };

function sweep(): ContenderSpec[] {
  const out: ContenderSpec[] = [
    {
      name: 'kosmos',
      family: 'kosmos',
      knob: { name: 'rateNoiseSigmas', value: KOSMOS_DEFAULT_SIGMAS },
      isDefault: true,
    },
  ];
  for (const v of KOSMOS_SIGMAS)
    out.push({
      name: `kosmos-sigma${v}`,
      family: 'kosmos',
      knob: { name: 'rateNoiseSigmas', value: v },
      isDefault: false,
    });
  out.push({ name: 'kosmos-equal-lb', family: 'kosmos-equal-lb', isDefault: true });
  for (const t of HPA_CPU_TARGETS) {
    const knob = { name: 'targetUtilizationPercent', value: t };
    out.push({ name: `hpa-cpu${t}`, family: 'hpa-cpu', knob, isDefault: t === 70 });
    out.push({ name: `hpa-cpu${t}-burstable`, family: 'hpa-cpu-burstable', knob, isDefault: t === 70 });
  }
  for (const f of HPA_RT_FACTORS) {
    out.push({
      name: f === 1 ? 'hpa-rt' : `hpa-rt-x${f}`,
      family: 'hpa-rt',
      knob: { name: 'targetFactorOfSlo', value: f },
      isDefault: f === 1,
    });
  }
  out.push({ name: 'vpa-inplace', family: 'vpa-inplace', isDefault: true });
  out.push({ name: 'vpa-recreate', family: 'vpa-recreate', isDefault: true });
  out.push({ name: 'kosmos-original', family: 'kosmos-original', isDefault: true });
  for (const h of STATIC_HEADROOM) {
    out.push({
      name: h === 1 ? 'static' : `static-x${h}`,
      family: 'static',
      knob: { name: 'headroom', value: h },
      isDefault: h === 1,
    });
  }
  return out;
}

/**
 * Run only when named (--contender): kosmos with the response time from Prometheus (SLA
 * metrics.prometheus) scraped every 15 s / 5 s, window 4 scrapes, instead of the agent's own scrape.
 */
export const OPT_IN_CONTENDERS = ['kosmos-prometheus-15s', 'kosmos-prometheus-5s'] as const;

export const CONTENDER_SPECS: readonly ContenderSpec[] = [
  ...sweep(),
  ...OPT_IN_CONTENDERS.map((name) => ({
    name,
    family: 'kosmos-prometheus' as const,
    knob: { name: 'scrapeIntervalSeconds', value: name === 'kosmos-prometheus-15s' ? 15 : 5 },
    isDefault: name === 'kosmos-prometheus-15s',
  })),
];
/** The contenders a run has by default (opt-in ones only when named). */
export const CONTENDERS: readonly string[] = CONTENDER_SPECS.map((c) => c.name).filter(
  (n) => !(OPT_IN_CONTENDERS as readonly string[]).includes(n),
);

export function contenderSpec(name: string): ContenderSpec {
  const spec = CONTENDER_SPECS.find((c) => c.name === name);
  if (!spec) throw new Error(`unknown contender ${name}`);
  return spec;
}

/** Names or family names → contender names, in registry order. */
export function resolveContenders(names: readonly string[]): string[] {
  const all = CONTENDER_SPECS.map((c) => c.name);
  const unknown = names.filter((n) => !all.includes(n) && !(FAMILIES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown contender ${unknown.map((u) => `"${u}"`).join(', ')} (names: ${all.join(', ')}; families: ${FAMILIES.join(', ')})`,
    );
  }
  return CONTENDER_SPECS.filter((c) => names.includes(c.name) || names.includes(c.family)).map((c) => c.name);
}

/** Static sizing per service: fewest pods for the run's mean rate × headroom, each sized for its share. */
export function staticSizingOf(
  scenario: Scenario,
  durationSeconds: number,
  headroom = 1,
): Map<string, StaticSizing> {
  const out = new Map<string, StaticSizing>();
  for (const s of scenario.services) {
    const params = workloadParams(s);
    out.set(
      s.name,
      staticSizing({
        meanRps: headroom * meanRate((t) => s.trace.rateAt(t), durationSeconds),
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

/** The scenario a contender runs: Burstable HPA pods request less than their limit. */
export function scenarioFor(name: string, scenario: Scenario): Scenario {
  if (contenderSpec(name).family !== 'hpa-cpu-burstable') return scenario;
  return {
    ...scenario,
    services: scenario.services.map((s) => ({
      ...s,
      resources: { ...s.resources, cpuMilli: BURSTABLE.requestMilli },
      cpuLimitMilli: BURSTABLE.limitMilli,
    })),
  };
}

/** VPA's history before the run: this many days of the same traffic (fewer when the trace has fewer). */
export const VPA_HISTORY_DAYS = 8;

/** Per-minute mean rate (rps, rescaled like the window) of the real days before a trace window. */
async function daysBefore(w: TraceWindow): Promise<number[]> {
  const rates = await windowFileRates(w);
  let windowSum = 0;
  for (let i = w.startSeconds; i < w.startSeconds + w.lengthSeconds; i++) windowSum += rates[i]!;
  const factor = windowSum > 0 ? w.meanRps / (windowSum / w.lengthSeconds) : 0;
  const from = Math.max(0, w.startSeconds - VPA_HISTORY_DAYS * DAY_SECONDS);
  const out: number[] = [];
  for (let m = from; m + 60 <= w.startSeconds; m += 60) {
    let sum = 0;
    for (let i = m; i < m + 60; i++) sum += rates[i]!;
    out.push((factor * sum) / 60);
  }
  return out;
}

/** Per-minute mean rate of a synthetic run repeated over the history: the same day, every day. */
function repeatedRun(rateAt: (t: number) => number, durationSeconds: number): number[] {
  const minutes = Math.max(1, Math.floor(durationSeconds / 60));
  const day: number[] = [];
  for (let m = 0; m < minutes; m++) day.push(meanRate((t) => rateAt(m * 60 + t), 60));
  const total = Math.round((VPA_HISTORY_DAYS * DAY_SECONDS) / 60);
  return Array.from({ length: total }, (_, i) => day[i % minutes]!);
}

async function vpaHistory(
  scenario: Scenario,
  durationSeconds: number,
  replicas: ReadonlyMap<string, number>,
  sizing: ReadonlyMap<string, StaticSizing>,
  windows: TraceWorkload | undefined,
): Promise<Map<string, VpaHistory>> {
  const out = new Map<string, VpaHistory>();
  for (const s of scenario.services) {
    const window = windows?.[s.name as 'frontend' | 'backend'];
    const rps = window ? await daysBefore(window) : repeatedRun((t) => s.trace.rateAt(t), durationSeconds);
    const pods = replicas.get(s.name) ?? 1;
    const d = s.workload.cpuSecondsPerRequest;
    out.set(s.name, {
      usageCoresPerMinute: rps.map((r) => Math.min(s.sla.maxCpuMilli / 1000, (r * d) / pods)),
      pods,
      requestCores: (sizing.get(s.name)?.cpuMilli ?? s.resources.cpuMilli) / 1000,
    });
  }
  return out;
}

export async function buildContender(
  name: string,
  scenario: Scenario,
  durationSeconds: number,
  kosmosTuning: Partial<KosmosTuning> = {},
  windows?: TraceWorkload,
): Promise<Controller | undefined> {
  const spec = contenderSpec(name);
  const knob = spec.knob?.value ?? 1;
  switch (spec.family) {
    // The hub's planService and the agent's arbiter, as the discrete engine's controller.
    case 'kosmos':
      return new KosmosController({
        tuning: spec.isDefault ? kosmosTuning : { ...kosmosTuning, rateNoiseSigmas: knob },
        name,
      });
    // The same controller without load-balancer weights: traffic splits equally over ready pods.
    case 'kosmos-equal-lb':
      return new KosmosController({ weightedBalancing: false, name, tuning: kosmosTuning });
    case 'hpa-cpu':
    case 'hpa-cpu-burstable':
      return new HpaContender({ kind: 'cpu', targetUtilizationPercent: knob }, name);
    case 'hpa-rt':
      return new HpaContender({ kind: 'response-time', targetFactor: knob }, name);
    case 'vpa-recreate':
    case 'vpa-inplace': {
      // VPA keeps the replica count: the static one, at least 2 so the updater may act (--min-replicas).
      const sizing = staticSizingOf(scenario, durationSeconds);
      const replicas = new Map([...sizing].map(([k, v]) => [k, Math.max(2, v.replicas)] as const));
      const history = await vpaHistory(scenario, durationSeconds, replicas, sizing, windows);
      return new VpaContender(
        spec.family === 'vpa-recreate' ? 'Recreate' : 'InPlaceOrRecreate',
        replicas,
        history,
      );
    }
    case 'kosmos-prometheus':
      return new KosmosController({
        name,
        tuning: kosmosTuning,
        prometheus: { scrapeIntervalSeconds: knob },
      });
    case 'kosmos-original':
      return new KosmosOriginalContender();
    case 'static':
      return new StaticContender(staticSizingOf(scenario, durationSeconds, knob));
  }
}
