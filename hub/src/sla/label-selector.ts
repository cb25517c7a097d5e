// Label selectors as Kubernetes writes them: the string form of scale.status.selector
// ("app=web,tier in (a,b),!canary") and the structured LabelSelector. Pure.
import type { V1LabelSelector } from '@kubernetes/client-node';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {
  override name = 'SelectorError';
}

export function parseSelector(selector: string): Requirement[] {
  const out: Requirement[] = [];
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || parts.length > 0) parts.push(cur);
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') throw new SelectorError(`empty requirement in selector "${selector}"`);
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(part);
    if (m) {
      out.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
      continue;
    }
    m = /^(!?)([\w./-]+)$/.exec(part);
    if (m) {
      out.push({ key: m[2]!, op: m[1] ? 'notexists' : 'exists' });
      continue;
    }
    throw new SelectorError(`cannot parse requirement "${part}" in selector "${selector}"`);
  }
  return out;
}

export function fromLabelSelector(ls: V1LabelSelector): Requirement[] {
  const out: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {}))
    out.push({ key, op: 'in', values: [value] });
  for (const e of ls.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') out.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists') out.push({ key: e.key, op: 'exists' });
    else if (op === 'doesnotexist') out.push({ key: e.key, op: 'notexists' });
    else throw new SelectorError(`unknown selector operator ${e.operator}`);
  }
  return out;
}

export function matches(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(l[r.key]!);
      case 'notin':
        return !has || !r.values.includes(l[r.key]!);
      case 'exists':
        return has;
      default:
        return !has;
    }
  });
}
