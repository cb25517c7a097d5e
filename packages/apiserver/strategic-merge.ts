// Strategic merge patch (the Kubernetes variant of merge patch): lists of known fields merge by
// a key (containers by name, conditions by type, ...) and honour $patch / $deleteFromPrimitiveList.
import type { Json } from './object-types.ts';

/** Merge key of a list field, by field name and (for `ports`) its parent. */
export function mergeKeyFor(field: string, parentField: string | undefined): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
    case 'containerStatuses':
    case 'initContainerStatuses':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'conditions':
      return 'type';
    case 'resizePolicy':
      return 'resourceName';
    case 'ownerReferences':
      return 'uid';
    case 'hostAliases':
      return 'ip';
    case 'ports':
      return parentField === 'containers' || parentField === 'initContainers' ? 'containerPort' : 'port';
    case 'addresses':
      return 'type';
    default:
      return undefined;
  }
}

/** Lists of scalars merged as sets rather than replaced. */
const PRIMITIVE_MERGE = new Set(['finalizers']);

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mergeList(field: string, parentField: string | undefined, target: Json[], patch: Json[]): Json[] {
  const key = mergeKeyFor(field, parentField);
  if (!key) {
    if (PRIMITIVE_MERGE.has(field)) return [...target, ...patch.filter((p) => !target.includes(p))];
    return patch.filter((p) => !(isObject(p) && p['$patch'] === 'delete'));
  }
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return patch.filter((p) => !(isObject(p) && '$patch' in p));
  }
  const out = target.map((t) => structuredClone(t));
  for (const item of patch) {
    if (!isObject(item)) continue;
    const idx = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = mergeObject(out[idx], item, field);
    else out.push(mergeObject({}, item, field));
  }
  return out;
}

/** Apply a strategic merge patch to `target` (not mutated); `field` is the enclosing field name. */
export function mergeObject(target: Json, patch: Json, field?: string): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch['$patch'] === 'delete') return undefined;
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const list = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[list])) out[list] = out[list].filter((x: Json) => !(v as Json[]).includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      out[k] = Array.isArray(out[k]) ? mergeList(k, field, out[k], v) : stripDirectives(v);
    } else if (isObject(v)) {
      const merged = mergeObject(out[k], v, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  return out;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v))
    return v.filter((x) => !(isObject(x) && x['$patch'] === 'delete')).map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = stripDirectives(x);
  return out;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
