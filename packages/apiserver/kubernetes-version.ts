// The Kubernetes version the server follows (--kubernetes-version): what /version reports and the
// rules that changed between the versions kosmos supports (in-place resize, KEP-1287).

export const SUPPORTED_VERSIONS = ['1.33', '1.34', '1.35'] as const;
export type KubernetesVersion = (typeof SUPPORTED_VERSIONS)[number];
/** The newest version kosmos supports. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.35';

/** "1.34", "v1.34" or "1.34.2" → "1.34"; an unsupported version throws, naming the supported ones. */
export function parseKubernetesVersion(text: string): KubernetesVersion {
  const m = /^v?(\d+\.\d+)(\.\d+)?$/.exec(text.trim());
  const v = SUPPORTED_VERSIONS.find((s) => s === m?.[1]);
  if (!v)
    throw new Error(`unsupported Kubernetes version "${text}" (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
  return v;
}

export interface ResizeRules {
  /**
   * Whether a memory limit may be decreased in place with resizePolicy NotRequired: forbidden in
   * 1.33 and 1.34 ("memory limits cannot be decreased unless resizePolicy is RestartContainer"),
   * allowed from 1.35 (the kubelet defers it while usage is above the new limit).
   */
  memoryLimitDecrease: boolean;
}

export function resizeRules(version: KubernetesVersion): ResizeRules {
  return { memoryLimitDecrease: version >= '1.35' };
}
