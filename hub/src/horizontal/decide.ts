// The horizontal decision: replicas out when the service's pods stay capped (vertical room used
// up), by as many as the unmet demand needs; in when the demand fits fewer pods for long enough.
// A pipeline of the pure steps in steps/; writing the result is scale-writer.ts's job.
import { cappedCpu } from './steps/capped.ts';
import { replicasNeeded } from './steps/needed.ts';
import { removeUnschedulable, replicaBounds, scaleIn, scaleOut, type Verdict } from './steps/rules.ts';
import { conditionWindows } from './steps/windows.ts';
import type {
  HorizontalConfig,
  HorizontalDecision,
  HorizontalInput,
  HorizontalState,
  HorizontalTerms,
} from './types.ts';

export { stepAllowance } from './steps/step-limits.ts';

/**
 * Pure: time is input.nowSeconds. Replicas a service needs at fill f of the SLA max per pod:
 *   N(f) = ceil(load / (f·maxCpuMilliPerPod − headroom)),  load = demand − pods·headroom
 * (the per-pod headroom does not shrink with fewer pods). Out: capped now, and capped time net of
 * cappedDrainRate × uncapped time has reached scaleUp.windowSeconds (steps/windows.ts)
 * → max(N(scaleUpFill), ready + ceil(Σcapped / (scaleUpFill·max))); replicas not yet ready count
 * as coming capacity. In: N(scaleDownFill) < current for scaleDown.windowSeconds → the largest
 * N seen in that window. Stabilization after any change; step limits; min/max always hold.
 *
 * Where a new pod can land: CPU the SLA max cut counts whole; CPU the node could not give counts
 * only up to scaleOutRoomCpuMilli (a pod added to a full cluster stays Pending and adds queueing
 * headroom the nodes cannot give either). Once pods are unschedulable the scheduler has spoken:
 * no more replicas, node-capped CPU counts for nothing for scaleDown.windowSeconds, and pods
 * unschedulable for scaleUp.windowSeconds are removed when the service is not capped. With
 * nodesAutoscaled (nodes added on demand) node-capped CPU counts whole and Pending pods are coming.
 */
export function decideReplicas(
  config: HorizontalConfig,
  previous: HorizontalState | undefined,
  input: HorizontalInput,
): HorizontalDecision {
  const state = previous ?? {};
  const now = input.nowSeconds;
  const current = input.currentReplicas;
  const min = Math.max(0, input.minReplicas);
  const max = Math.max(min, input.maxReplicas);
  const headroom = Math.max(0, input.perPodHeadroomCpuMilli ?? 0);
  const capped = cappedCpu(config, state, input);
  const needed = replicasNeeded(config, input, {
    minReplicas: min,
    maxReplicas: max,
    maxCpuMilliPerPod: Math.max(1, input.maxCpuMilliPerPod),
    perPodHeadroomCpuMilli: headroom,
    effectiveCappedCpuMilli: capped.effectiveCappedCpuMilli,
  });
  const windows = conditionWindows(
    state,
    now,
    { windowSeconds: config.scaleUp.windowSeconds, drainRate: config.cappedDrainRate },
    {
      capped: capped.capped,
      neededToFitFewer: needed.neededToFitFewer,
      currentReplicas: current,
    },
  );
  const terms: HorizontalTerms = {
    nowSeconds: now,
    currentReplicas: current,
    readyReplicas: input.readyReplicas,
    minReplicas: min,
    maxReplicas: max,
    maxCpuMilliPerPod: input.maxCpuMilliPerPod,
    demandCpuMilli: input.demandCpuMilli,
    perPodHeadroomCpuMilli: headroom,
    nodesAutoscaled: input.nodesAutoscaled === true,
    scaleOutRoomCpuMilli: input.scaleOutRoomCpuMilli,
    unschedulableReplicas: capped.unschedulableReplicas,
    totalDesiredCpuMilli: capped.totalDesiredCpuMilli,
    totalCappedCpuMilli: capped.totalCappedCpuMilli,
    nodeCappedCpuMilli: capped.nodeCappedCpuMilli,
    effectiveCappedCpuMilli: capped.effectiveCappedCpuMilli,
    capped: capped.capped,
    cappedSeconds: windows.cappedSeconds,
    neededForDemand: needed.neededForDemand,
    neededToFitFewer: needed.neededToFitFewer,
    neededForUnmet: needed.neededForUnmet,
    fitsFewerForSeconds:
      windows.fitsFewerSinceSeconds === undefined ? 0 : now - windows.fitsFewerSinceSeconds,
    sinceLastChangeSeconds: windows.sinceLastChangeSeconds,
    target: current,
  };
  const unschedulableForSeconds =
    capped.unschedulableSinceSeconds === undefined ? 0 : now - capped.unschedulableSinceSeconds;
  const verdict: Verdict = replicaBounds(terms) ??
    (capped.capped
      ? scaleOut(config, terms)
      : (removeUnschedulable(config, { ...terms, unschedulableForSeconds }) ??
        (windows.fitsFewer
          ? scaleIn(config, { ...terms, fitsFewerMaxNeeded: windows.fitsFewerMaxNeeded })
          : undefined))) ?? { kind: 'stay', reason: 'Steady', target: current };

  if (verdict.kind === 'change') {
    return {
      replicas: verdict.replicas,
      state: { lastChangeSeconds: now, noRoomUntilSeconds: capped.noRoomUntilSeconds },
      reason: verdict.reason,
      terms: { ...terms, target: verdict.target, stepLimit: verdict.stepLimit },
    };
  }
  return {
    replicas: current,
    state: {
      cappedSeconds: windows.cappedSeconds,
      cappedSeenSeconds: now,
      cappedWhenSeen: capped.capped,
      fitsFewerSinceSeconds: windows.fitsFewerSinceSeconds,
      fitsFewerMaxNeeded: windows.fitsFewerMaxNeeded,
      lastChangeSeconds: state.lastChangeSeconds,
      unschedulableSinceSeconds: capped.unschedulableSinceSeconds,
      noRoomUntilSeconds: capped.noRoomUntilSeconds,
    },
    reason: verdict.reason,
    terms: { ...terms, target: verdict.target },
  };
}
