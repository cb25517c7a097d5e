// Server-side apply and field ownership: metadata.managedFields records which manager set which
// fields. An apply merges the manager's configuration, refuses (409) to change a field another
// manager owns unless forced, and removes fields the manager stopped applying that nobody else
// owns; other writes take ownership of the fields they change. Pure: objects in, objects out.
import { isDeepStrictEqual } from 'node:util';
import { ApiError } from './errors.ts';
import {
  childCursor,
  type FieldPath,
  type FieldSet,
  fieldSetOf,
  formatPath,
  fromFieldsV1,
  itemCursor,
  listTypeAt,
  ownsWithin,
  pathKey,
  removeAt,
  type SchemaCursor,
  toFieldsV1,
  valueAt,
} from './field-set.ts';
import { clone, type Json, type KObject } from './object-types.ts';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

export interface Writer {
  manager: string;
  apiVersion: string;
  /** '' for the main resource, else 'status', 'scale', 'resize'. */
  subresource: string;
  now: string;
  /** The schema of the resource (CRDs), for list types; builtins use their merge keys. */
  schema?: Json;
}

interface Owner {
  entry: ManagedFieldsEntry;
  set: FieldSet;
}

function isObject(v: unknown): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function sameWriter(e: ManagedFieldsEntry, w: Writer, operation: 'Apply' | 'Update'): boolean {
  return e.manager === w.manager && e.operation === operation && (e.subresource ?? '') === w.subresource;
}

function owners(obj: KObject): Owner[] {
  return ((obj.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((entry) => ({
    entry,
    set: fromFieldsV1(entry.fieldsV1),
  }));
}

function entries(list: Owner[]): ManagedFieldsEntry[] {
  return list
    .filter((o) => o.set.size > 0)
    .map((o) => ({ ...o.entry, fieldsV1: toFieldsV1(o.set) }))
    .map(({ subresource, ...e }) => (subresource ? { ...e, subresource } : e));
}

function entryFor(w: Writer, operation: 'Apply' | 'Update', set: FieldSet): Owner {
  return {
    entry: {
      manager: w.manager,
      operation,
      apiVersion: w.apiVersion,
      time: w.now,
      fieldsType: 'FieldsV1',
      fieldsV1: {},
      ...(w.subresource ? { subresource: w.subresource } : {}),
    },
    set,
  };
}

function cursorOf(w: Writer): SchemaCursor {
  return { schema: w.schema };
}

/** The fields a write to `subresource` may own: status only for /status, the rest otherwise. */
function scoped(set: FieldSet, subresource: string, statusIsSubresource: boolean): FieldSet {
  const out: FieldSet = new Map();
  for (const [k, p] of set) {
    const top = 'f' in p[0]! ? p[0].f : '';
    if (subresource === 'status' ? top === 'status' : !(statusIsSubresource && top === 'status'))
      out.set(k, p);
  }
  return out;
}

/** Merge an apply configuration into `live`: objects field by field, map lists by key, sets by value. */
export function mergeApplied(live: Json, applied: Json, cursor: SchemaCursor): Json {
  if (isObject(applied)) {
    const out: Record<string, Json> = isObject(live) ? clone(live) : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = mergeApplied(out[k], v, childCursor(cursor, k));
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const lt = listTypeAt(cursor, applied);
    if (lt.kind === 'atomic' || !Array.isArray(live)) return clone(applied);
    if (lt.kind === 'set')
      return [...live, ...applied.filter((x) => !live.some((l) => isDeepStrictEqual(l, x)))];
    const out = live.map((x) => clone(x));
    const items = itemCursor(cursor);
    for (const item of applied) {
      const idx = out.findIndex((o) => lt.keys.every((k) => isObject(o) && isDeepStrictEqual(o[k], item[k])));
      if (idx >= 0) out[idx] = mergeApplied(out[idx], item, items);
      else out.push(clone(item));
    }
    return out;
  }
  return applied;
}

/** A key field of a map-list item: it goes with its item, never alone. */
function isItemKey(p: FieldPath): boolean {
  const [parent, last] = [p.at(-2), p.at(-1)];
  return parent !== undefined && 'k' in parent && last !== undefined && 'f' in last && last.f in parent.k;
}

function conflictError(conflicts: { manager: string; apiVersion: string; path: FieldPath }[]): ApiError {
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) {
    const key = `"${c.manager}" using ${c.apiVersion}`;
    byManager.set(key, [...(byManager.get(key) ?? []), c.path]);
  }
  const parts = [...byManager].map(([who, paths]) =>
    paths.length === 1
      ? `conflict with ${who}: ${formatPath(paths[0]!)}`
      : `conflicts with ${who}:\n${paths.map((p) => `- ${formatPath(p)}`).join('\n')}`,
  );
  const n = conflicts.length;
  return new ApiError(
    409,
    'Conflict',
    `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${parts.join('\n')}`,
    {
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}" using ${c.apiVersion}`,
        field: formatPath(c.path),
      })),
    },
  );
}

export interface ApplyResult {
  object: KObject;
  managedFields: ManagedFieldsEntry[];
}

/**
 * Server-side apply of `applied` by `w` onto `live` (undefined: the object is created).
 * Throws 409 on conflicts unless `force`, which takes the fields from their owners.
 */
export function serverSideApply(
  live: KObject | undefined,
  applied: KObject,
  w: Writer,
  force: boolean,
  statusIsSubresource: boolean,
): ApplyResult {
  const cursor = cursorOf(w);
  const appliedSet = scoped(fieldSetOf(applied, cursor), w.subresource, statusIsSubresource);
  if (!live) {
    return { object: clone(applied), managedFields: entries([entryFor(w, 'Apply', appliedSet)]) };
  }
  const all = owners(live);
  const mine = all.find((o) => sameWriter(o.entry, w, 'Apply'));
  const others = all.filter((o) => o !== mine);
  const conflicts: { manager: string; apiVersion: string; path: FieldPath }[] = [];
  for (const [key, path] of appliedSet) {
    const value = valueAt(applied, path);
    if (isObject(value) && Object.keys(value).length > 0) continue;
    if (isDeepStrictEqual(value, valueAt(live, path))) continue;
    for (const o of others) {
      if (!o.set.has(key)) continue;
      if (force) o.set.delete(key);
      else conflicts.push({ manager: o.entry.manager, apiVersion: o.entry.apiVersion, path });
    }
  }
  if (conflicts.length > 0) throw conflictError(conflicts);
  let object = mergeApplied(live, applied, cursor) as KObject;
  // Fields this manager applied before and no longer does, that nobody else owns, go.
  const dropped = [...(mine?.set.values() ?? [])]
    .filter((p) => !appliedSet.has(pathKey(p)))
    .filter((p) => !others.some((o) => ownsWithin(o.set, p)))
    .filter((p) => !isItemKey(p))
    .sort((a, b) => a.length - b.length);
  object = clone(object);
  for (const p of dropped) if (!ownsWithin(appliedSet, p)) removeAt(object, p);
  const next = entryFor(w, 'Apply', appliedSet);
  const list = mine ? all.map((o) => (o === mine ? next : o)) : [...all, next];
  return { object, managedFields: entries(list) };
}

/**
 * Ownership after a non-apply write from `before` to `after`: the writer takes the fields it
 * changed or set (from their previous owners); fields it removed are nobody's.
 */
export function recordUpdate(
  before: KObject | undefined,
  after: KObject,
  w: Writer,
  statusIsSubresource: boolean,
): ManagedFieldsEntry[] {
  const cursor = cursorOf(w);
  const afterSet = scoped(fieldSetOf(after, cursor), w.subresource, statusIsSubresource);
  const all = before ? owners(before) : [];
  const beforeSet = before
    ? scoped(fieldSetOf(before, cursor), w.subresource, statusIsSubresource)
    : new Map();
  const changed = new Set<string>();
  for (const [k, p] of afterSet)
    if (!beforeSet.has(k) || !isDeepStrictEqual(valueAt(before, p), valueAt(after, p))) changed.add(k);
  const removed = [...beforeSet.keys()].filter((k) => !afterSet.has(k));
  if (changed.size === 0 && removed.length === 0) return entries(all);
  for (const o of all) for (const k of [...changed, ...removed]) o.set.delete(k);
  let mine = all.find((o) => sameWriter(o.entry, w, 'Update'));
  if (!mine) {
    mine = entryFor(w, 'Update', new Map());
    all.push(mine);
  }
  mine.entry = { ...mine.entry, time: w.now, apiVersion: w.apiVersion };
  for (const k of changed) mine.set.set(k, afterSet.get(k)!);
  return entries(all);
}
