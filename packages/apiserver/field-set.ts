// Field sets as server-side apply tracks them (structured-merge-diff): the paths of an object a
// manager owns, in metadata.managedFields[].fieldsV1 form. Lists are maps (items by key), sets
// (scalars by value) or atomic (owned whole), as the schema or the builtin merge keys say. Pure.
import { isDeepStrictEqual } from 'node:util';
import type { Json } from './object-types.ts';
import { mergeKeyFor } from './strategic-merge.ts';

/** One step of a path: a field, a list item by its key, or a set member by its value. */
export type PathElement = { f: string } | { k: Record<string, Json> } | { v: Json };
export type FieldPath = PathElement[];

/** A set of paths, each a leaf (scalar, atomic list, empty object) or a list item / set member. */
export type FieldSet = Map<string, FieldPath>;

/** How a list merges: by key fields, as a set of scalars, or replaced whole. */
export type ListType = { kind: 'map'; keys: string[] } | { kind: 'set' } | { kind: 'atomic' };

/** Where in the schema a value sits: the field names above it and its OpenAPI schema, if any. */
export interface SchemaCursor {
  field?: string;
  parentField?: string;
  schema?: Json;
}

/** Fields that are the server's, never a manager's. */
const SERVER_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function elementKey(e: PathElement): string {
  if ('f' in e) return `f:${e.f}`;
  if ('k' in e) return `k:${JSON.stringify(sortKeys(e.k))}`;
  return `v:${JSON.stringify(e.v)}`;
}

function sortKeys(o: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export function pathKey(p: FieldPath): string {
  return p.map(elementKey).join('\u0000');
}

function parseElement(key: string): PathElement {
  const rest = key.slice(2);
  if (key.startsWith('f:')) return { f: rest };
  if (key.startsWith('k:')) return { k: JSON.parse(rest) };
  return { v: JSON.parse(rest) };
}

/** The list type of the value at `cursor`: the CRD schema's x-kubernetes-list-type, else the builtin merge keys. */
export function listTypeAt(cursor: SchemaCursor, items: Json[]): ListType {
  const s = cursor.schema;
  if (isObject(s) && s['x-kubernetes-list-type']) {
    const lt = s['x-kubernetes-list-type'];
    if (lt === 'map') return { kind: 'map', keys: (s['x-kubernetes-list-map-keys'] as string[]) ?? ['name'] };
    if (lt === 'set') return { kind: 'set' };
    return { kind: 'atomic' };
  }
  if (cursor.field === 'finalizers') return { kind: 'set' };
  if (isObject(s)) return { kind: 'atomic' };
  const key = cursor.field ? mergeKeyFor(cursor.field, cursor.parentField) : undefined;
  if (key && items.every((i) => isObject(i) && i[key] !== undefined)) return { kind: 'map', keys: [key] };
  return { kind: 'atomic' };
}

export function childCursor(cursor: SchemaCursor, field: string): SchemaCursor {
  const props = isObject(cursor.schema) ? cursor.schema['properties'] : undefined;
  const additional = isObject(cursor.schema) ? cursor.schema['additionalProperties'] : undefined;
  const schema =
    isObject(props) && props[field] ? props[field] : isObject(additional) ? additional : undefined;
  return { field, parentField: cursor.field, schema };
}

export function itemCursor(cursor: SchemaCursor): SchemaCursor {
  const items = isObject(cursor.schema) ? cursor.schema['items'] : undefined;
  return { field: cursor.field, parentField: cursor.parentField, schema: items };
}

function itemKey(item: Json, keys: string[]): Record<string, Json> {
  return Object.fromEntries(keys.map((k) => [k, item[k]]));
}

/** The paths a value sets. `root` omits the server's metadata, apiVersion and kind. */
export function fieldSetOf(value: Json, cursor: SchemaCursor, root = true): FieldSet {
  const out: FieldSet = new Map();
  const add = (p: FieldPath) => out.set(pathKey(p), p);
  const walkObject = (obj: Record<string, Json>, at: FieldPath, cur: SchemaCursor, top: boolean) => {
    for (const [k, v] of Object.entries(obj)) {
      if (top && (k === 'apiVersion' || k === 'kind')) continue;
      if (v === undefined) continue;
      const p = [...at, { f: k }];
      const c = childCursor(cur, k);
      if (top && k === 'metadata' && isObject(v)) {
        const meta = Object.fromEntries(Object.entries(v).filter(([mk]) => !SERVER_META.has(mk)));
        walkObject(meta, p, c, false);
      } else walk(v, p, c);
    }
  };
  const walk = (v: Json, at: FieldPath, cur: SchemaCursor) => {
    if (isObject(v)) {
      if (Object.keys(v).length === 0) add(at);
      else walkObject(v, at, cur, false);
    } else if (Array.isArray(v)) {
      const lt = listTypeAt(cur, v);
      if (lt.kind === 'atomic') add(at);
      else if (lt.kind === 'set') for (const x of v) add([...at, { v: x }]);
      else {
        for (const item of v) {
          const p = [...at, { k: itemKey(item, lt.keys) }];
          add(p);
          walkObject(item, p, itemCursor(cur), false);
        }
      }
    } else add(at);
  };
  if (root && isObject(value)) walkObject(value, [], cursor, true);
  else walk(value, [], cursor);
  return out;
}

/** fieldsV1 (nested `f:`/`k:`/`v:` objects, "." for a node that is itself a member) → set. */
export function fromFieldsV1(fields: Json): FieldSet {
  const out: FieldSet = new Map();
  const walk = (node: Json, at: FieldPath) => {
    const entries = isObject(node) ? Object.entries(node) : [];
    if (entries.length === 0 && at.length > 0) out.set(pathKey(at), at);
    for (const [k, child] of entries) {
      if (k === '.') out.set(pathKey(at), at);
      else walk(child, [...at, parseElement(k)]);
    }
  };
  walk(fields, []);
  return out;
}

export function toFieldsV1(set: FieldSet): Json {
  const root: Record<string, Json> = {};
  const members = new Set(set.keys());
  const paths = [...set.values()].sort((a, b) => pathKey(a).localeCompare(pathKey(b)));
  for (const p of paths) {
    let node = root;
    for (const e of p) {
      const k = elementKey(e);
      node[k] ??= {};
      node = node[k];
    }
  }
  // A member with children below it is marked with ".".
  const mark = (node: Record<string, Json>, at: FieldPath) => {
    for (const [k, child] of Object.entries(node)) {
      if (k === '.') continue;
      const p = [...at, parseElement(k)];
      if (Object.keys(child).length > 0) {
        if (members.has(pathKey(p))) child['.'] = {};
        mark(child, p);
      }
    }
  };
  mark(root, []);
  return root;
}

/** The value at a path, or undefined. */
export function valueAt(obj: Json, path: FieldPath): Json {
  let cur: Json = obj;
  for (const e of path) {
    if ('f' in e) {
      if (!isObject(cur)) return undefined;
      cur = cur[e.f];
    } else if ('k' in e) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((i) => isObject(i) && Object.entries(e.k).every(([k, v]) => isDeepStrictEqual(i[k], v)));
    } else {
      if (!Array.isArray(cur)) return undefined;
      cur = cur.find((i) => isDeepStrictEqual(i, e.v));
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Remove the value at a path (in place); parents left empty by it are removed too. */
export function removeAt(obj: Json, path: FieldPath): void {
  if (path.length === 0) return;
  const parent = valueAt(obj, path.slice(0, -1));
  const last = path.at(-1)!;
  if ('f' in last) {
    if (isObject(parent)) delete parent[last.f];
  } else if (Array.isArray(parent)) {
    const idx = parent.findIndex((i) =>
      'k' in last
        ? isObject(i) && Object.entries(last.k).every(([k, v]) => isDeepStrictEqual(i[k], v))
        : isDeepStrictEqual(i, last.v),
    );
    if (idx >= 0) parent.splice(idx, 1);
  }
  const emptied = isObject(parent) ? Object.keys(parent).length === 0 : false;
  if (emptied && path.length > 1 && 'f' in path.at(-2)!) removeAt(obj, path.slice(0, -1));
}

/** A path as kube-apiserver prints it in conflicts: .spec.containers[name="web"].image */
export function formatPath(path: FieldPath): string {
  return path
    .map((e) => {
      if ('f' in e) return `.${e.f}`;
      if ('k' in e)
        return `[${Object.entries(e.k)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      return `[${JSON.stringify(e.v)}]`;
    })
    .join('');
}

/** True if `set` holds `path` or anything below it. */
export function ownsWithin(set: FieldSet, path: FieldPath): boolean {
  const prefix = pathKey(path);
  for (const k of set.keys()) if (k === prefix || k.startsWith(`${prefix}\u0000`)) return true;
  return false;
}
