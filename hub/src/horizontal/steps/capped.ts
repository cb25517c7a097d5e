// Step 1 of the horizontal decision: how much of the CPU the service's pods could not get counts
// for scale-out — SLA-capped whole; node-capped only where a new pod could land, and not at all
// for a while once the scheduler has found no room (unless nodes are added on demand).
import type { HorizontalConfig, HorizontalInput, HorizontalState } from '../types.ts';

export interface CappedCpu {
  totalDesiredCpuMilli: number;
  totalCappedCpuMilli: number;
  /** Part of totalCappedCpuMilli the nodes could not give. */
  nodeCappedCpuMilli: number;
  /** SLA-capped + the usable part of node-capped. */
  effectiveCappedCpuMilli: number;
  /** effective capped ≥ cappedFraction × Σ desired (and > 0). */
  capped: boolean;
  unschedulableReplicas: number;
  unschedulableSinceSeconds: number | undefined;
  noRoomUntilSeconds: number | undefined;
}

export function cappedCpu(
  config: Pick<HorizontalConfig, 'cappedFraction' | 'scaleDown'>,
  state: Pick<HorizontalState, 'unschedulableSinceSeconds' | 'noRoomUntilSeconds'>,
  input: Pick<
    HorizontalInput,
    'nowSeconds' | 'pods' | 'scaleOutRoomCpuMilli' | 'nodesAutoscaled' | 'unschedulableReplicas'
  >,
): CappedCpu {
  const now = input.nowSeconds;
  const totalDesired = sum(input.pods.map((p) => p.desiredCpuMilli));
  const totalCapped = sum(input.pods.map((p) => Math.max(0, p.cappedCpuMilli)));
  const nodeCapped = Math.min(
    totalCapped,
    sum(input.pods.map((p) => Math.max(0, p.nodeCappedCpuMilli ?? 0))),
  );
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
      : Math.min(nodeCapped, Math.max(0, input.scaleOutRoomCpuMilli ?? 0));
  const effectiveCapped = totalCapped - nodeCapped + usableNodeCapped;
  return {
    totalDesiredCpuMilli: totalDesired,
    totalCappedCpuMilli: totalCapped,
    nodeCappedCpuMilli: nodeCapped,
    effectiveCappedCpuMilli: effectiveCapped,
    capped: effectiveCapped > 0 && effectiveCapped >= config.cappedFraction * totalDesired,
    unschedulableReplicas: unschedulable,
    unschedulableSinceSeconds: unschedulableSince,
    noRoomUntilSeconds: noRoomUntil,
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}
