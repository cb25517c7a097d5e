// The per-service control step shared by the live hub and the discrete-time simulator: one
// recommendation per pod, the service aggregate, the replica decision, and the changes to log.
import { decideReplicas } from '../horizontal/decide.ts';
import type { HorizontalPodInput } from '../horizontal/types.ts';
import { essentialFromState } from '../recommender/kosmos.ts';
import { recommend } from '../recommender/recommend.ts';
import type {
  Recommendation,
  RecommendationTerms,
  RecommenderState,
  Resources,
} from '../recommender/types.ts';
import { aggregateService } from './aggregate.ts';
import type {
  DecisionRecord,
  PodCapReason,
  PodObservation,
  PodPlan,
  ServiceControlState,
  ServiceObservations,
  ServicePlan,
  ServicePolicy,
} from './types.ts';

/**
 * Pure but for `previous`, which it owns (see ServiceControlState): updated in place and returned as
 * the plan's state. Pods with a signal get a recommendation; pods without one hold their standing decision (the
 * desired last planned, which may still be in flight ahead of the enacted size; the enacted size when
 * none was planned) and keep their recommender state. A pod's capped CPU/memory is what the SLA max cut from its
 * target plus what the agent could not enact (node contention, resize Infeasible/Deferred); the
 * horizontal decision sees it together with the service demand. A held pod keeps the SLA cut of its
 * standing decision: passes without a fresh report (two unsynchronised 1 s loops, a scrape of an
 * overloaded pod timing out) are most frequent exactly when a pod is pinned at its max, and reading it
 * as uncapped there restarts the scale-out window. The state of pods no longer observed is dropped.
 */
export function planService(
  policy: ServicePolicy,
  previous: ServiceControlState | undefined,
  observations: ServiceObservations,
): ServicePlan {
  const state: ServiceControlState = previous ?? { pods: new Map(), horizontal: undefined, passes: 0 };
  const pass = ++state.passes;
  const podStates = state.pods;
  let seen = 0;
  const pods: PodPlan[] = [];
  const decisions: DecisionRecord[] = [];
  for (const pod of observations.pods) {
    const before = podStates.get(pod.key);
    const plan = planPod(policy, before?.recommender, pod, before?.desired, before?.slaCapped);
    if (before) {
      if (before.pass !== pass) seen++;
      before.recommender = plan.state;
      before.desired = plan.plan.desired;
      before.slaCapped = plan.slaCap;
      before.pass = pass;
    } else {
      seen++;
      podStates.set(pod.key, {
        recommender: plan.state,
        desired: plan.plan.desired,
        slaCapped: plan.slaCap,
        pass,
      });
    }
    pods.push(plan.plan);
    if (plan.plan.terms && !sameResources(plan.plan.desired, pod.enacted)) {
      decisions.push({
        kind: 'vertical',
        key: pod.key,
        from: pod.enacted,
        to: plan.plan.desired,
        reason: plan.plan.reason,
        terms: plan.plan.terms,
      });
    }
  }
  if (podStates.size !== seen) {
    for (const [key, pod] of podStates) if (pod.pass !== pass) podStates.delete(key);
  }
  const service = aggregateService(observations.pods, pods);
  const horizontalPods: HorizontalPodInput[] = pods.map((plan, i) => {
    const obs = observations.pods[i];
    return {
      desiredCpuMilli: plan.desired.cpuMilli + plan.capped.cpuMilli,
      enactedCpuMilli: obs?.enacted.cpuMilli ?? 0,
      cappedCpuMilli: plan.capped.cpuMilli,
      nodeCappedCpuMilli: Math.max(0, obs?.capped.cpuMilli ?? 0),
      usageCpuMilli: obs?.signal?.cpuUsageMilli ?? 0,
      cappedReason: plan.cappedReason,
      ready: obs?.ready ?? false,
    };
  });
  const horizontal = decideReplicas(policy.horizontal, state.horizontal, {
    nowSeconds: observations.nowSeconds,
    currentReplicas: observations.currentReplicas,
    readyReplicas: observations.readyReplicas,
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    maxCpuMilliPerPod: policy.maxResources.cpuMilli,
    pods: horizontalPods,
    demandCpuMilli: service.demandCpuMilli,
    perPodHeadroomCpuMilli: service.perPodHeadroomCpuMilli,
    nodesAutoscaled: observations.nodesAutoscaled,
    scaleOutRoomCpuMilli: observations.scaleOutRoomCpuMilli,
    unschedulableReplicas: observations.unschedulableReplicas,
  });
  state.horizontal = horizontal.state;
  if (horizontal.replicas !== observations.currentReplicas) {
    decisions.push({
      kind: 'horizontal',
      from: observations.currentReplicas,
      to: horizontal.replicas,
      reason: horizontal.reason,
      terms: horizontal.terms,
    });
  }
  return {
    pods,
    replicas: horizontal.replicas,
    horizontal,
    service,
    decisions,
    state,
  };
}

function planPod(
  policy: ServicePolicy,
  state: RecommenderState | undefined,
  pod: PodObservation,
  standing: Resources | undefined,
  standingSlaCap: Resources | undefined,
): { plan: PodPlan; state: RecommenderState | undefined; slaCap: Resources | undefined } {
  if (!pod.signal) {
    // Without fresh evidence the decision stands: re-planning from the enacted size, which lags a
    // resize still in flight, would ask to undo it on every pass between two reports. So does what
    // the SLA max cut from it, while the standing decision is still at the max.
    const held = standing ? within(standing, policy.minResources, policy.maxResources) : pod.enacted;
    const slaCap =
      standing && standingSlaCap && held.cpuMilli >= policy.maxResources.cpuMilli
        ? standingSlaCap
        : undefined;
    return {
      slaCap,
      plan: {
        key: pod.key,
        desired: held,
        reason: standing
          ? 'no fresh signal: holding the standing decision'
          : 'no fresh signal: holding the enacted allocation',
        capped: slaCap ? addResources(pod.capped, slaCap) : pod.capped,
        cappedReason:
          slaCap && (pod.cappedReason === 'None' || (pod.capped.cpuMilli <= 0 && pod.capped.memoryBytes <= 0))
            ? 'SLABound'
            : pod.cappedReason,
        // Held, not forgotten: under contention it keeps the share its last model says the SLO takes.
        essentialCpuMilli: essentialWithin(policy, essentialFromState(policy.recommender, state), held),
      },
      state,
    };
  }
  // the pod's recommender state is planService's own (ServiceControlState): updated in place
  const rec = recommend(policy.recommender, state, pod.signal, true);
  // What the SLA max cuts from the pod's need: the target before the per-step rate limits, so a
  // decision held while evidence pools (or limited in growth) still shows a pod held at its max.
  const atMax = rec.desired.cpuMilli >= policy.recommender.maxCpuMilli;
  const slaCap: Resources = {
    cpuMilli: atMax
      ? Math.max(
          0,
          Math.ceil(Math.max(rec.terms.unboundedCpuMilli, rec.terms.targetCpuMilli)) - rec.desired.cpuMilli,
        )
      : 0,
    memoryBytes:
      rec.terms.memoryBoundedBySla === 'max'
        ? Math.max(0, rec.terms.unboundedMemoryBytes - rec.desired.memoryBytes)
        : 0,
  };
  const agentCapped = pod.capped.cpuMilli > 0 || pod.capped.memoryBytes > 0;
  const slaCapped = slaCap.cpuMilli > 0 || slaCap.memoryBytes > 0;
  return {
    plan: new RecommendedPodPlan(
      pod.key,
      rec,
      {
        cpuMilli: slaCap.cpuMilli + Math.max(0, pod.capped.cpuMilli),
        memoryBytes: slaCap.memoryBytes + Math.max(0, pod.capped.memoryBytes),
      },
      agentCapped && pod.cappedReason !== 'None' ? pod.cappedReason : slaCapped ? 'SLABound' : 'None',
      essentialWithin(policy, rec.terms.essentialCpuMilli, rec.desired),
    ),
    state: rec.state,
    slaCap: slaCapped ? slaCap : undefined,
  };
}

/** A recommended pod's plan: its reason is the recommendation's, read only when a decision is logged. */
class RecommendedPodPlan implements PodPlan {
  readonly key: string;
  readonly desired: Resources;
  readonly terms: RecommendationTerms;
  readonly capped: Resources;
  readonly cappedReason: PodCapReason;
  readonly essentialCpuMilli: number;
  readonly #rec: Recommendation;

  constructor(
    key: string,
    rec: Recommendation,
    capped: Resources,
    cappedReason: PodCapReason,
    essentialCpuMilli: number,
  ) {
    this.key = key;
    this.desired = rec.desired;
    this.terms = rec.terms;
    this.capped = capped;
    this.cappedReason = cappedReason;
    this.essentialCpuMilli = essentialCpuMilli;
    this.#rec = rec;
  }

  get reason(): string {
    return this.#rec.reason;
  }
}

function addResources(a: Resources, b: Resources): Resources {
  return {
    cpuMilli: Math.max(0, a.cpuMilli) + b.cpuMilli,
    memoryBytes: Math.max(0, a.memoryBytes) + b.memoryBytes,
  };
}

/** The essential CPU as the arbiter gets it: whole millicores within [SLA min, desired]; 0 without a model. */
function essentialWithin(policy: ServicePolicy, essential: number | undefined, desired: Resources): number {
  if (essential === undefined) return 0;
  return Math.min(desired.cpuMilli, Math.max(policy.recommender.minCpuMilli, Math.ceil(essential)));
}

/** `r` within [min, max] (the SLA bounds may have changed since the decision). */
function within(r: Resources, min: Resources, max: Resources): Resources {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi > 0 ? hi : v);
  return {
    cpuMilli: clamp(r.cpuMilli, min.cpuMilli, max.cpuMilli),
    memoryBytes: clamp(r.memoryBytes, min.memoryBytes, max.memoryBytes),
  };
}

function sameResources(a: Resources, b: Resources): boolean {
  return a.cpuMilli === b.cpuMilli && a.memoryBytes === b.memoryBytes;
}
