// Per-kind defaults and validation of the built-in resources (namespaces, services, nodes,
// workloads, pods), keyed by storage key for ObjectApi.
import { isDeepStrictEqual } from 'node:util';
import { fromLabelSelector, matchesLabels, SelectorError } from '../../lib/label-selector.ts';
import { CauseReason } from './errors.ts';
import { eventStrategy } from './events.ts';
import {
  DEFAULT_KUBERNETES_VERSION,
  type KubernetesVersion,
  type ResizeRules,
  resizeRules,
} from './kubernetes-version.ts';
import type { FieldError, Json, KObject } from './object-types.ts';
import type { Strategy } from './objects.ts';
import { dropNonResizeUpdates, validateResize } from './pod-resize.ts';
import { applyPodDefaults, validatePodSpec, validatePodUpdate } from './pods.ts';

const namespaces: Strategy = {
  prepareCreate(ns) {
    ns.spec = { finalizers: ['kubernetes'], ...ns.spec };
    ns.status = { phase: 'Active' };
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name! };
  },
  deferDelete: (ns) => (ns.spec?.finalizers ?? []).length > 0,
};

function serviceStrategy(): Strategy {
  let nextIp = 10;
  return {
    prepareCreate(svc) {
      svc.spec ??= {};
      const spec = svc.spec;
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      if (spec.clusterIP === undefined) {
        const n = nextIp++;
        spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
      }
      spec.clusterIPs ??= spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      svc.status ??= { loadBalancer: {} };
    },
    validateUpdate(svc, old) {
      if (old.spec?.clusterIP && svc.spec?.clusterIP !== old.spec.clusterIP) {
        return [
          {
            field: 'spec.clusterIP',
            reason: CauseReason.Invalid,
            message: `Invalid value: "${svc.spec?.clusterIP}": field is immutable`,
          },
        ];
      }
      return [];
    },
  };
}

const nodes: Strategy = {
  prepareCreate(node) {
    node.spec ??= {};
    node.status ??= {};
    const status = node.status;
    status.capacity ??= { cpu: '4', memory: '16Gi', pods: '110' };
    status.allocatable ??= { ...status.capacity };
    status.conditions ??= [];
  },
};

function templateDefaults(obj: KObject): void {
  const template = obj.spec?.template;
  if (!template?.spec) return;
  const probe: KObject = { metadata: {}, spec: template.spec };
  applyPodDefaults(probe);
  template.metadata ??= {};
}

function validateSelector(obj: KObject, old: KObject | undefined, hasReplicas: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const selector = obj.spec?.selector;
  if (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  ) {
    errors.push({ field: 'spec.selector', reason: CauseReason.Required, message: 'Required value' });
    return errors;
  }
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  let requirements: ReturnType<typeof fromLabelSelector>;
  try {
    requirements = fromLabelSelector(selector);
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err;
    errors.push({ field: 'spec.selector', reason: CauseReason.Invalid, message: err.message });
    return errors;
  }
  if (!matchesLabels(requirements, labels)) {
    errors.push({
      field: 'spec.template.metadata.labels',
      reason: CauseReason.Invalid,
      message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
    });
  }
  if (old && !isDeepStrictEqual(old.spec?.selector, selector)) {
    errors.push({
      field: 'spec.selector',
      reason: CauseReason.Invalid,
      message: `Invalid value: ${JSON.stringify(selector)}: field is immutable`,
    });
  }
  const replicas = obj.spec?.replicas;
  if (hasReplicas && (!Number.isInteger(replicas) || replicas < 0)) {
    errors.push({
      field: 'spec.replicas',
      reason: CauseReason.Invalid,
      message: `Invalid value: ${replicas}: must be greater than or equal to 0`,
    });
  }
  const template: KObject = { metadata: {}, spec: obj.spec?.template?.spec };
  for (const e of validatePodSpec(template)) errors.push({ ...e, field: `spec.template.${e.field}` });
  return errors;
}

function workload(defaults: (spec: Json) => void, hasReplicas = true): Strategy {
  return {
    prepareCreate(obj) {
      obj.spec ??= {};
      if (hasReplicas) obj.spec.replicas ??= 1;
      obj.spec.revisionHistoryLimit ??= 10;
      defaults(obj.spec);
      templateDefaults(obj);
      obj.status = {};
    },
    validateCreate: (obj) => validateSelector(obj, undefined, hasReplicas),
    validateUpdate: (obj, old) => {
      templateDefaults(obj);
      return validateSelector(obj, old, hasReplicas);
    },
  };
}

const pods = (rules: ResizeRules): Strategy => ({
  prepareCreate: applyPodDefaults,
  prepareUpdate: (pod, old, target) => (target === 'resize' ? dropNonResizeUpdates(pod, old) : pod),
  // Unscheduled and terminated pods go at once; others terminate on their node first.
  gracePeriod(pod, requested) {
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    return requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  },
  validateCreate: validatePodSpec,
  validateUpdate: (pod, old, target) =>
    target === 'resize' ? validateResize(pod, old, rules) : validatePodUpdate(pod, old),
});

export function builtinStrategies(
  version: KubernetesVersion = DEFAULT_KUBERNETES_VERSION,
): Map<string, Strategy> {
  return new Map<string, Strategy>([
    ['/namespaces', namespaces],
    ['/services', serviceStrategy()],
    ['/nodes', nodes],
    ['/events', eventStrategy],
    ['/pods', pods(resizeRules(version))],
    [
      'apps/deployments',
      workload((spec) => {
        spec.strategy ??= {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
        };
        spec.progressDeadlineSeconds ??= 600;
      }),
    ],
    ['apps/replicasets', workload(() => {})],
    [
      'apps/statefulsets',
      workload((spec) => {
        spec.podManagementPolicy ??= 'OrderedReady';
        spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
        spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      }),
    ],
    ['apps/daemonsets', workload(() => {}, false)],
  ]);
}
