// Default behavior of the horizontal decision (windows, stabilization, step limits, fills).
import type { HorizontalConfig, HorizontalRuleConfig } from './types.ts';

/**
 * Scale-up window 15 s of capped time: three 5 s ticks, long enough that one noisy tick or a resize
 * still in flight (requested → enacted takes a tick or two) does not add replicas, short enough that
 * a surge beyond the vertical room gets replicas before the pods' start-up delay dominates. Capped
 * time need not be unbroken: each uncapped second takes back cappedDrainRate capped seconds, so a
 * load that crosses a pod's maximum both ways still scales out when it is capped more than
 * DRAIN/(1 + DRAIN) of the time, and a lone capped tick still does not.
 * Stabilization 30 s after a change: new pods must start and take traffic before their effect is
 * judged. Step limits as HPA's defaults (4 pods or 100 %, the larger). Scale-down waits 180 s and
 * removes at most half the replicas per change: cheap to keep (vertical scaling shrinks idle
 * pods meanwhile), expensive to get wrong (a new pod takes seconds to start).
 */
export const HORIZONTAL_DEFAULTS: HorizontalConfig = {
  scaleUp: { windowSeconds: 15, stabilizationSeconds: 30, maxStepReplicas: 4, maxStepPercent: 100 },
  scaleDown: { windowSeconds: 180, stabilizationSeconds: 60, maxStepReplicas: 0, maxStepPercent: 50 },
  scaleUpFill: 0.8,
  scaleDownFill: 0.6,
  cappedFraction: 0.05,
  cappedDrainRate: 1,
};

export interface HorizontalConfigOverrides {
  scaleUp?: Partial<HorizontalRuleConfig>;
  scaleDown?: Partial<HorizontalRuleConfig>;
  scaleUpFill?: number;
  scaleDownFill?: number;
  cappedFraction?: number;
  cappedDrainRate?: number;
}

/** A complete HorizontalConfig: defaults overridden field by field (undefined fields keep the default). */
export function horizontalConfig(overrides: HorizontalConfigOverrides = {}): HorizontalConfig {
  const d = HORIZONTAL_DEFAULTS;
  return {
    scaleUp: mergeRule(d.scaleUp, overrides.scaleUp),
    scaleDown: mergeRule(d.scaleDown, overrides.scaleDown),
    scaleUpFill: overrides.scaleUpFill ?? d.scaleUpFill,
    scaleDownFill: overrides.scaleDownFill ?? d.scaleDownFill,
    cappedFraction: overrides.cappedFraction ?? d.cappedFraction,
    cappedDrainRate: overrides.cappedDrainRate ?? d.cappedDrainRate,
  };
}

function mergeRule(
  base: HorizontalRuleConfig,
  over: Partial<HorizontalRuleConfig> | undefined,
): HorizontalRuleConfig {
  return {
    windowSeconds: over?.windowSeconds ?? base.windowSeconds,
    stabilizationSeconds: over?.stabilizationSeconds ?? base.stabilizationSeconds,
    maxStepReplicas: over?.maxStepReplicas ?? base.maxStepReplicas,
    maxStepPercent: over?.maxStepPercent ?? base.maxStepPercent,
  };
}
