// Paths of objects and of keep-lists, for the tests of the informers' keep-lists (lib/keep-list.ts).
import * as k8s from '@kubernetes/client-node';
import type { AnyKeepList } from '../../lib/keep-list.ts';

type ModelClass = { getAttributeTypeMap(): Array<{ name: string; type: string }> };
const models = k8s as unknown as Record<string, ModelClass | undefined>;

/**
 * A value of the client's model type `type` with every field filled (arrays with two elements), as
 * its generated attribute map declares them: a new field of the model shows up here without a test change.
 */
export function everyField(type: string, path: readonly string[] = []): unknown {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return [everyField(array[1]!, path), everyField(array[1]!, path)];
  switch (type) {
    case 'string':
    case 'IntOrString':
      return `${path.join('.')}-value`;
    case 'number':
      return 7;
    case 'boolean':
      return true;
    case 'Date':
      return new Date(0);
    case 'any':
      return { any: 'value' };
    case '{ [key: string]: string; }':
      return { a: '1', b: '2' };
  }
  const model = models[type];
  if (!model?.getAttributeTypeMap) throw new Error(`no model ${type}`);
  const obj: Record<string, unknown> = {};
  for (const a of model.getAttributeTypeMap()) {
    // a type inside itself (none in a pod today) is filled once
    if (!path.includes(a.type)) obj[a.name] = everyField(a.type, [...path, type]);
  }
  return obj;
}

/** Every path to a defined leaf value: "spec.containers[].name", maps and Dates as leaves too. */
export function leafPaths(value: unknown, at = ''): Set<string> {
  const out = new Set<string>();
  const visit = (v: unknown, p: string) => {
    if (v === undefined) return;
    if (Array.isArray(v)) for (const e of v) visit(e, `${p}[]`);
    else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      for (const [k, inner] of Object.entries(v)) visit(inner, p ? `${p}.${k}` : k);
    } else out.add(p);
  };
  visit(value, at);
  return out;
}

/** The keep-list's own paths: each kept field, a nested list's fields below it. */
export function keptFields(keep: AnyKeepList, at = ''): string[] {
  return Object.entries(keep).flatMap(([k, inner]) =>
    inner === true ? [`${at}${k}`] : keptFields(inner as AnyKeepList, `${at}${k}.`),
  );
}

/** Whether a leaf path lies in a kept field (arrays' "[]" do not name a field). */
export const under = (path: string, field: string) => {
  const p = path.replaceAll('[]', '');
  return p === field || p.startsWith(`${field}.`);
};

/**
 * The leaf paths of `full` a keep-list keeps (each kept field whole), the paths `full` has, and the
 * keep-list's own fields.
 */
export function keptPaths(
  full: unknown,
  keep: AnyKeepList,
): { kept: string[]; served: string[]; fields: string[] } {
  const fields = keptFields(keep);
  const served = [...leafPaths(full)];
  return { kept: served.filter((p) => fields.some((f) => under(p, f))), served, fields };
}
