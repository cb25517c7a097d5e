// Pod rules as the real server applies them: defaults (QoS class, resizePolicy, requests from
// limits), create validation and update immutability (the resize rules are in pod-resize.ts).
import { isDeepStrictEqual } from 'node:util';
import { parseCpuMilli, parseMemoryBytes } from '../../lib/quantity.ts';
import { CauseReason } from './errors.ts';
import type { FieldError, Json, KObject } from './object-types.ts';
import { nowTimestamp } from './object-types.ts';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface ResourceAmounts {
  cpuMilli: number;
  memoryBytes: number;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function amount(resource: string, q: string | number): number {
  return resource === 'cpu' ? parseCpuMilli(q) : parseMemoryBytes(q);
}

/** Sum of container requests (what the scheduler and the kubelet admit against). */
export function podRequests(spec: Json): ResourceAmounts {
  const total = { cpuMilli: 0, memoryBytes: 0 };
  for (const c of spec?.containers ?? []) {
    const r = c.resources?.requests ?? {};
    if (r.cpu !== undefined) total.cpuMilli += parseCpuMilli(r.cpu);
    if (r.memory !== undefined) total.memoryBytes += parseMemoryBytes(r.memory);
  }
  return total;
}

export function qosClass(spec: Json): QosClass {
  const containers: Json[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      if (limits[r] === undefined) {
        guaranteed = false;
        continue;
      }
      const req = requests[r] ?? limits[r];
      if (amount(r, req) !== amount(r, limits[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultContainer(c: Json): void {
  c.imagePullPolicy ??=
    typeof c.image === 'string' && (!c.image.includes(':') || c.image.endsWith(':latest'))
      ? 'Always'
      : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  const limits = c.resources.limits;
  if (limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) c.resources.requests[k] ??= v;
  }
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

/** Defaults of a new pod (spec and initial status). */
export function applyPodDefaults(pod: KObject): void {
  pod.spec ??= {};
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.serviceAccountName ??= 'default';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.tolerations ??= [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    },
  ];
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) {
    defaultContainer(c);
    c.resizePolicy ??= [
      { resourceName: 'cpu', restartPolicy: 'NotRequired' },
      { resourceName: 'memory', restartPolicy: 'NotRequired' },
    ];
  }
  pod.status = { phase: 'Pending', qosClass: safeQos(spec) };
}

function safeQos(spec: Json): QosClass {
  try {
    return qosClass(spec);
  } catch {
    return 'BestEffort';
  }
}

function validateResources(c: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const requests = c.resources?.requests ?? {};
  const limits = c.resources?.limits ?? {};
  const parsed: Record<string, Record<string, number>> = { requests: {}, limits: {} };
  for (const [kind, map] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    for (const [r, q] of Object.entries(map)) {
      if (r !== 'cpu' && r !== 'memory') continue;
      try {
        parsed[kind]![r] = amount(r, q as string);
      } catch {
        errors.push({
          field: `${path}.resources.${kind}[${r}]`,
          reason: CauseReason.Invalid,
          message: `Invalid value: "${String(q)}": must be a valid quantity`,
        });
      }
    }
  }
  for (const r of ['cpu', 'memory']) {
    const req = parsed['requests']![r];
    const lim = parsed['limits']![r];
    if (req !== undefined && lim !== undefined && req > lim) {
      errors.push({
        field: `${path}.resources.requests`,
        reason: CauseReason.Invalid,
        message: `Invalid value: "${String(requests[r])}": must be less than or equal to ${r} limit of ${String(limits[r])}`,
      });
    }
  }
  return errors;
}

export function validatePodSpec(pod: KObject): FieldError[] {
  const errors: FieldError[] = [];
  const containers: Json[] = pod.spec?.containers ?? [];
  if (containers.length === 0) {
    errors.push({ field: 'spec.containers', reason: CauseReason.Required, message: 'Required value' });
  }
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const path = `spec.containers[${i}]`;
    if (!c.name)
      errors.push({ field: `${path}.name`, reason: CauseReason.Required, message: 'Required value' });
    else if (!DNS1123_LABEL.test(c.name)) {
      errors.push({
        field: `${path}.name`,
        reason: CauseReason.Invalid,
        message: `Invalid value: "${c.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`,
      });
    } else if (names.has(c.name)) {
      errors.push({
        field: `${path}.name`,
        reason: CauseReason.Duplicate,
        message: `Duplicate value: "${c.name}"`,
      });
    }
    names.add(c.name);
    if (!c.image)
      errors.push({ field: `${path}.image`, reason: CauseReason.Required, message: 'Required value' });
    errors.push(...validateResources(c, path));
  });
  return errors;
}

/** Spec with the fields a plain pod update may change blanked out. */
function immutableView(spec: Json): Json {
  const s = structuredClone(spec ?? {});
  for (const c of [...(s.containers ?? []), ...(s.initContainers ?? [])]) delete c.image;
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  delete s.schedulingGates;
  return s;
}

/** A plain update (not through pods/resize) may change only what a running pod allows. */
export function validatePodUpdate(pod: KObject, old: KObject): FieldError[] {
  if (isDeepStrictEqual(immutableView(pod.spec), immutableView(old.spec))) return validatePodSpec(pod);
  return [
    {
      field: 'spec',
      reason: CauseReason.Forbidden,
      message:
        'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    },
  ];
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** Set (or replace) a status condition, keeping lastTransitionTime when the status is unchanged. */
export function setCondition(pod: KObject, c: PodCondition): void {
  pod.status ??= {};
  pod.status.conditions ??= [];
  const list: PodCondition[] = pod.status.conditions;
  const idx = list.findIndex((x) => x.type === c.type);
  const prev = idx >= 0 ? list[idx] : undefined;
  const next: PodCondition = {
    lastProbeTime: null,
    ...c,
    lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowTimestamp(),
    observedGeneration: pod.metadata.generation,
  };
  if (idx >= 0) list[idx] = next;
  else list.push(next);
}

export function removeCondition(pod: KObject, type: string): void {
  if (!pod.status?.conditions) return;
  pod.status.conditions = pod.status.conditions.filter((c: PodCondition) => c.type !== type);
}

export function getCondition(pod: KObject, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c: PodCondition) => c.type === type);
}

/** Assign a node and record PodScheduled (what a Binding does). */
export function bindToNode(pod: KObject, nodeName: string): void {
  pod.spec.nodeName = nodeName;
  setCondition(pod, { type: 'PodScheduled', status: 'True' });
}
