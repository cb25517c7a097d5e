// Label selectors (the grammar shared with the hub, lib/label-selector.ts) and field selectors,
// parsed from the query-string syntax the real server accepts; pure functions over plain objects.
import {
  type LabelRequirement,
  matchesLabels,
  parseLabelSelector as parseShared,
  SelectorError,
  splitSelectorTerms,
} from '../../lib/label-selector.ts';
import { badRequest } from './errors.ts';
import type { KObject } from './object-types.ts';

/** The shared label-selector grammar, with the real server's 400 for what it refuses. */
export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  try {
    return parseShared(selector);
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(selector: string | undefined, supported: string[]): FieldRequirement[] {
  if (!selector) return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...supported]);
  return splitSelectorTerms(selector).map((term) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1]!;
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() };
  });
}

function fieldValue(obj: KObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

/** A kind's own reading of a selectable field (undefined: the field's path in the object). */
export type FieldValue = (obj: KObject, field: string) => string | undefined;

export function matchesFields(reqs: FieldRequirement[], obj: KObject, custom?: FieldValue): boolean {
  return reqs.every(
    (r) => ((custom?.(obj, r.field) ?? fieldValue(obj, r.field)) === r.value) === (r.op === '='),
  );
}

export interface Selection {
  namespace?: string;
  labels: LabelRequirement[];
  /** Over the stored shape of the objects (labels already mapped from the served version's). */
  fields: FieldRequirement[];
  fieldValue?: FieldValue;
}

export function selects(sel: Selection, obj: KObject): boolean {
  if (sel.namespace && obj.metadata.namespace !== sel.namespace) return false;
  return matchesLabels(sel.labels, obj.metadata.labels) && matchesFields(sel.fields, obj, sel.fieldValue);
}
