// Subresources with their own shapes: scale (autoscaling/v1 Scale over spec.replicas),
// pods/binding and pods/eviction. status and resize are plain updates (objects.ts, pods.ts).

import { formatLabelSelector, fromLabelSelector } from '../../lib/label-selector.ts';
import { ApiError, badRequest, conflict, notFound } from './errors.ts';
import type { Json, KObject } from './object-types.ts';
import type { ObjectApi } from './objects.ts';
import { bindToNode } from './pods.ts';
import type { ResourceType } from './registry.ts';

function getPath(obj: Json, path: string): Json {
  let cur = obj;
  for (const p of path.replace(/^\./, '').split('.')) cur = cur?.[p];
  return cur;
}

function setPath(obj: Json, path: string, value: Json): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts.at(-1)!] = value;
}

function scalePaths(t: ResourceType) {
  return (
    t.scale ?? {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: undefined,
    }
  );
}

/** The autoscaling/v1 Scale view of an object with a scale subresource. */
export function scaleOf(t: ResourceType, obj: KObject): KObject {
  const paths = scalePaths(t);
  let selector: string | undefined;
  if (paths.labelSelectorPath) selector = getPath(obj, paths.labelSelectorPath);
  else if (obj.spec?.selector) selector = formatLabelSelector(fromLabelSelector(obj.spec.selector));
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: getPath(obj, paths.specReplicasPath) ?? 0 },
    status: { replicas: getPath(obj, paths.statusReplicasPath) ?? 0, ...(selector ? { selector } : {}) },
  };
}

/** Write a Scale back to its object (409 if the Scale carries a stale resourceVersion). */
export function updateScale(
  api: ObjectApi,
  t: ResourceType,
  namespace: string | undefined,
  scale: KObject,
  ownership?: (before: KObject, after: KObject) => Json[],
): KObject {
  const name = scale.metadata?.name ?? '';
  const obj = api.get(t, namespace, name);
  const rv = scale.metadata?.resourceVersion;
  if (rv && rv !== obj.metadata.resourceVersion) throw conflict(t, name);
  const replicas = scale.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
      {
        name,
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'must be greater than or equal to 0',
            field: 'spec.replicas',
          },
        ],
      },
    );
  }
  const before = structuredClone(obj);
  setPath(obj, scalePaths(t).specReplicasPath, replicas);
  return scaleOf(t, api.update(t, obj, 'main', { managedFields: ownership?.(before, obj) }));
}

function success(code: number) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

/** POST pods/{name}/binding: assign a node (the scheduler's write). */
export function bindPod(api: ObjectApi, t: ResourceType, namespace: string, name: string, binding: KObject) {
  const nodeName = binding.target?.name;
  if (!nodeName) throw badRequest('binding target name is required');
  const pod = api.tryGet(t, namespace, name);
  if (!pod) throw notFound(t, name);
  if (pod.spec.nodeName)
    throw conflict(t, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  bindToNode(pod, nodeName);
  api.store.put('/pods', pod);
  return success(201);
}

/** POST pods/{name}/eviction: delete the pod (no disruption budgets here). */
export function evictPod(api: ObjectApi, t: ResourceType, namespace: string, name: string) {
  api.delete(t, namespace, name);
  return success(201);
}
