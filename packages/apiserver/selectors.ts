// Label selectors (equality and set-based) and field selectors, parsed from the query-string
// syntax the real server accepts; pure functions over plain objects.
import { badRequest } from './errors.ts';
import type { KObject } from './object-types.ts';

export type LabelRequirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!='; values: [string] };

const KEY = /^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

/** Split on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim());
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkValue(value: string, key: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw badRequest(
      `unable to parse requirement: values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
  return value;
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  return key;
}

/** Parse a label selector; 400 on anything the real parser refuses (empty terms, bad values). */
export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (!selector || selector.trim() === '') return [];
  return splitTerms(selector).map((term) => {
    if (term === '') throw badRequest(`unable to parse requirement: found '', expected: identifier`);
    const set = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
    if (set) {
      const key = checkKey(set[1]!, selector);
      const values = set[3]!.split(',').map((v) => checkValue(v.trim(), key));
      if (values.length === 0 || (values.some((v) => v === '') && set[3]!.trim() === '')) {
        throw badRequest(
          `unable to parse requirement: values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty`,
        );
      }
      return { key, op: set[2] as 'in' | 'notin', values };
    }
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (eq) {
      const op = eq[2] === '!=' ? '!=' : '=';
      const key = checkKey(eq[1]!, selector);
      return { key, op, values: [checkValue(eq[3]!, key)] };
    }
    if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), selector), op: '!exists' };
    return { key: checkKey(term, selector), op: 'exists' };
  });
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
    }
    return false;
  });
}

/** metav1.LabelSelector (matchLabels + matchExpressions) → requirements. */
export function fromLabelSelectorObject(sel: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelRequirement[] {
  const reqs: LabelRequirement[] = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => ({
    key,
    op: '=',
    values: [value],
  }));
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') reqs.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') reqs.push({ key: e.key, op: '!exists' });
  }
  return reqs;
}

/** metav1.LabelSelector → its query-string form (Scale.status.selector). */
export function formatLabelSelector(reqs: LabelRequirement[]): string {
  return reqs
    .map((r) => {
      if (r.op === 'exists') return r.key;
      if (r.op === '!exists') return `!${r.key}`;
      if (r.op === 'in' || r.op === 'notin') return `${r.key} ${r.op} (${r.values.join(',')})`;
      return `${r.key}${r.op}${(r as { values: string[] }).values[0]}`;
    })
    .join(',');
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export function parseFieldSelector(selector: string | undefined, supported: string[]): FieldRequirement[] {
  if (!selector) return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...supported]);
  return splitTerms(selector).map((term) => {
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

export function matchesFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}

export interface Selection {
  namespace?: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

export function selects(sel: Selection, obj: KObject): boolean {
  if (sel.namespace && obj.metadata.namespace !== sel.namespace) return false;
  return matchesLabels(sel.labels, obj.metadata.labels) && matchesFields(sel.fields, obj);
}
