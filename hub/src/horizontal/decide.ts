// The horizontal decision: replicas out when the service's pods stay capped (vertical room used
// up), by as many as the unmet demand needs; in when the demand fits fewer pods for long enough.
import type {
  HorizontalConfig,
  HorizontalDecision,
  HorizontalInput,
  HorizontalReason,
  HorizontalRuleConfig,
  HorizontalState,
  HorizontalTerms,
} from './types.ts';

/**
 * Pure: time is input.nowSeconds. Replicas a service needs at fill f of the SLA max per pod:
 *   N(f) = ceil(load / (f·maxCpuMilliPerPod − headroom)),  load = demand − pods·headroom
 * (the per-pod headroom does not shrink with fewer pods). Out: capped for scaleUp.windowSeconds
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
  const maxPerPod = Math.max(1, input.maxCpuMilliPerPod);
  const headroom = Math.max(0, input.perPodHeadroomCpuMilli ?? 0);
  const totalDesired = sum(input.pods.map((p) => p.desiredCpuMilli));
  const totalCapped = sum(input.pods.map((p) => Math.max(0, p.cappedCpuMilli)));
  const nodeCapped = Math.min(
    totalCapped,
    sum(input.pods.map((p) => Math.max(0, p.nodeCappedCpuMilli ?? 0))),
  );
  const room = input.scaleOutRoomCpuMilli;
  const nodesGrow = input.nodesAutoscaled === true;
  const unschedulable = Math.max(0, input.unschedulableReplicas ?? 0);
  const unschedulableSince = unschedulable > 0 ? (state.unschedulableSinceSeconds ?? now) : undefined;
  const noRoomUntil =
    !nodesGrow && unschedulable > 0
      ? now + config.scaleDown.windowSeconds
      : state.noRoomUntilSeconds !== undefined && state.noRoomUntilSeconds > now
        ? state.noRoomUntilSeconds
        : undefined;
  const usableNodeCapped = nodesGrow
    ? nodeCapped
    : noRoomUntil !== undefined
      ? 0
      : Math.min(nodeCapped, Math.max(0, room ?? 0));
  const effectiveCapped = totalCapped - nodeCapped + usableNodeCapped;
  const capped = effectiveCapped > 0 && effectiveCapped >= config.cappedFraction * totalDesired;
  const load = Math.max(0, input.demandCpuMilli - input.pods.length * headroom);
  const neededAt = (fill: number): number => {
    const perPod = fill * maxPerPod - headroom;
    if (load <= 0) return min;
    return perPod <= 0 ? max : Math.max(min, Math.ceil(load / perPod));
  };
  const neededForDemand = neededAt(config.scaleUpFill);
  const neededToFitFewer = neededAt(config.scaleDownFill);
  const neededForUnmet = input.readyReplicas + Math.ceil(effectiveCapped / (config.scaleUpFill * maxPerPod));
  const cappedSince = capped ? (state.cappedSinceSeconds ?? now) : undefined;
  const fitsFewer = !capped && neededToFitFewer < current;
  const fitsFewerSince = fitsFewer ? (state.fitsFewerSinceSeconds ?? now) : undefined;
  const fitsFewerMaxNeeded = fitsFewer
    ? Math.max(state.fitsFewerMaxNeeded ?? neededToFitFewer, neededToFitFewer)
    : undefined;
  const sinceLastChange = state.lastChangeSeconds === undefined ? undefined : now - state.lastChangeSeconds;
  const terms: HorizontalTerms = {
    nowSeconds: now,
    currentReplicas: current,
    readyReplicas: input.readyReplicas,
    minReplicas: min,
    maxReplicas: max,
    maxCpuMilliPerPod: input.maxCpuMilliPerPod,
    demandCpuMilli: input.demandCpuMilli,
    perPodHeadroomCpuMilli: headroom,
    nodesAutoscaled: nodesGrow,
    scaleOutRoomCpuMilli: room,
    unschedulableReplicas: unschedulable,
    totalDesiredCpuMilli: totalDesired,
    totalCappedCpuMilli: totalCapped,
    nodeCappedCpuMilli: nodeCapped,
    effectiveCappedCpuMilli: effectiveCapped,
    capped,
    cappedForSeconds: cappedSince === undefined ? 0 : now - cappedSince,
    neededForDemand,
    neededToFitFewer,
    neededForUnmet,
    fitsFewerForSeconds: fitsFewerSince === undefined ? 0 : now - fitsFewerSince,
    sinceLastChangeSeconds: sinceLastChange,
    target: current,
  };
  const waiting: HorizontalState = {
    cappedSinceSeconds: cappedSince,
    fitsFewerSinceSeconds: fitsFewerSince,
    fitsFewerMaxNeeded,
    lastChangeSeconds: state.lastChangeSeconds,
    unschedulableSinceSeconds: unschedulableSince,
    noRoomUntilSeconds: noRoomUntil,
  };
  const stay = (reason: HorizontalReason, target = current): HorizontalDecision => ({
    replicas: current,
    state: waiting,
    reason,
    terms: { ...terms, target },
  });
  const change = (
    replicas: number,
    reason: HorizontalReason,
    target: number,
    stepLimit?: number,
  ): HorizontalDecision => ({
    replicas,
    state: { lastChangeSeconds: now, noRoomUntilSeconds: noRoomUntil },
    reason,
    terms: { ...terms, target, stepLimit },
  });
  const stabilizing = (rule: HorizontalRuleConfig): boolean =>
    sinceLastChange !== undefined && sinceLastChange < rule.stabilizationSeconds;

  if (current < min) return change(min, 'BelowMinimum', min);
  if (current > max) return change(max, 'AboveMaximum', max);

  if (capped) {
    const target = Math.max(neededForDemand, neededForUnmet);
    if (target <= current) return stay('ReplicasComing', target);
    if (unschedulable > 0 && !nodesGrow) return stay('Unschedulable', target);
    if (current >= max) return stay('AtMaximum', target);
    if (now - (cappedSince ?? now) < config.scaleUp.windowSeconds)
      return stay('CappedWaitingForWindow', target);
    if (stabilizing(config.scaleUp)) return stay('Stabilizing', target);
    const step = stepAllowance(config.scaleUp, current, 'up');
    return change(Math.min(max, target, current + step), 'ScaleOut', target, finiteOrUndefined(step));
  }

  if (
    !capped &&
    !nodesGrow &&
    unschedulable > 0 &&
    now - (unschedulableSince ?? now) >= config.scaleUp.windowSeconds
  ) {
    const target = Math.max(min, current - unschedulable);
    if (target < current) return change(target, 'RemoveUnschedulable', target);
  }

  if (fitsFewer) {
    const target = Math.max(min, fitsFewerMaxNeeded ?? neededToFitFewer);
    // Pods still starting are coming capacity; unschedulable ones (nodes not autoscaled) are not.
    const placed = nodesGrow ? current : current - unschedulable;
    if (input.readyReplicas < placed) return stay('ReplicasComing', target);
    if (now - (fitsFewerSince ?? now) < config.scaleDown.windowSeconds) {
      return stay('FitsFewerWaitingForWindow', target);
    }
    if (stabilizing(config.scaleDown)) return stay('Stabilizing', target);
    const step = stepAllowance(config.scaleDown, current, 'down');
    return change(Math.max(min, target, current - step), 'ScaleIn', target, finiteOrUndefined(step));
  }
  return stay('Steady');
}

/** Replicas one change may add/remove: the larger of the two limits (HPA selectPolicy Max); 0 = unbounded. */
export function stepAllowance(rule: HorizontalRuleConfig, current: number, direction: 'up' | 'down'): number {
  const byCount = rule.maxStepReplicas > 0 ? rule.maxStepReplicas : undefined;
  const byPercent =
    rule.maxStepPercent > 0
      ? Math.max(
          1,
          direction === 'up'
            ? Math.ceil((current * rule.maxStepPercent) / 100)
            : Math.floor((current * rule.maxStepPercent) / 100),
        )
      : undefined;
  if (byCount === undefined && byPercent === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(byCount ?? 0, byPercent ?? 0);
}

function finiteOrUndefined(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
