// The pods/resize subresource as kube-apiserver's podResizeStrategy: everything but the
// containers' resources and resizePolicy is taken from the stored pod (metadata and image changes
// are silently dropped), then KEP-1287's rules: cpu and memory only, no resource removed, QoS
// class unchanged, and the memory-limit rule of the chosen Kubernetes version.
import { isDeepStrictEqual } from 'node:util';
import { parseMemoryBytes } from '../../lib/quantity.ts';
import { CauseReason } from './errors.ts';
import type { ResizeRules } from './kubernetes-version.ts';
import { clone, type FieldError, type Json, type KObject } from './object-types.ts';
import { qosClass, validatePodSpec } from './pods.ts';

/** The stored pod with only the resize-mutable fields taken from the request. */
export function dropNonResizeUpdates(next: KObject, old: KObject): KObject {
  const pod = clone(old);
  pod.metadata.resourceVersion = next.metadata.resourceVersion;
  const asked = new Map<string, Json>((next.spec?.containers ?? []).map((c: Json) => [c.name, c]));
  for (const c of pod.spec?.containers ?? []) {
    const n = asked.get(c.name);
    if (!n) continue;
    if (n.resources === undefined) delete c.resources;
    else c.resources = clone(n.resources);
    if (n.resizePolicy !== undefined) c.resizePolicy = clone(n.resizePolicy);
  }
  return pod;
}

function forbidden(field: string, message: string): FieldError {
  return { field, reason: CauseReason.Forbidden, message: `Forbidden: ${message}` };
}

function containerErrors(c: Json, old: Json, index: number, rules: ResizeRules): FieldError[] {
  const path = `spec.containers[${index}].resources`;
  const errors: FieldError[] = [];
  for (const kind of ['requests', 'limits']) {
    const now = c.resources?.[kind] ?? {};
    for (const r of Object.keys(old.resources?.[kind] ?? {})) {
      if (now[r] === undefined)
        errors.push(forbidden(`${path}.${kind}[${r}]`, 'resource removal is not supported'));
    }
    for (const r of Object.keys(now)) {
      if (r !== 'cpu' && r !== 'memory' && !isDeepStrictEqual(now[r], old.resources?.[kind]?.[r]))
        errors.push(forbidden(`${path}.${kind}[${r}]`, 'only cpu and memory resources are mutable'));
    }
  }
  const policy = (old.resizePolicy ?? []).find((p: Json) => p.resourceName === 'memory')?.restartPolicy;
  const [was, is] = [old.resources?.limits?.memory, c.resources?.limits?.memory];
  if (!rules.memoryLimitDecrease && (policy ?? 'NotRequired') === 'NotRequired' && was && is) {
    if (parseMemoryBytes(is) < parseMemoryBytes(was))
      errors.push(
        forbidden(
          `${path}.limits[memory]`,
          'memory limits cannot be decreased unless resizePolicy is RestartContainer',
        ),
      );
  }
  return errors;
}

export function validateResize(pod: KObject, old: KObject, rules: ResizeRules): FieldError[] {
  if (old.status?.phase === 'Succeeded' || old.status?.phase === 'Failed') {
    return [forbidden('spec', 'cannot resize a pod that has terminated')];
  }
  const olds = new Map<string, Json>((old.spec?.containers ?? []).map((c: Json) => [c.name, c]));
  const errors = (pod.spec?.containers ?? []).flatMap((c: Json, i: number) =>
    containerErrors(c, olds.get(c.name) ?? {}, i, rules),
  );
  if (errors.length > 0) return errors;
  for (const c of pod.spec?.containers ?? []) {
    const lim = c.resources?.limits;
    if (lim) {
      c.resources.requests ??= {};
      for (const [k, v] of Object.entries(lim)) c.resources.requests[k] ??= v;
    }
  }
  const specErrors = validatePodSpec(pod);
  if (specErrors.length > 0) return specErrors;
  const before = old.status?.qosClass ?? qosClass(old.spec);
  const after = qosClass(pod.spec);
  if (before !== after) {
    return [
      {
        field: 'spec',
        reason: CauseReason.Invalid,
        message: `Invalid value: "${after}": Pod QOS Class may not change as a result of resizing`,
      },
    ];
  }
  return [];
}
