// Every API write of a real-process run, with what it changed: the object is read back from the
// embedded server after each write and its status (for a status write) or the rest of it (spec,
// for the others) compared with the last copy seen, so a run's writes can be told apart into those
// that carried a new decision and those that only refreshed a figure. Writes `writes.jsonl`.
import type { KObject } from '../../packages/apiserver/index.ts';

export interface WriteRecord {
  /** Seconds since the measured run started (negative in the warm-up). */
  t: number;
  /** "verb resource[/subresource]", as the API server counts it. */
  kind: string;
  name: string;
  code: number;
  /** Leaf paths of the written part that differ from the last copy seen (conditions by type). */
  changed: string[];
}

const SKIPPED = new Set(['lastTransitionTime', 'lastUpdateTime', 'lastHeartbeatTime']);

/** Pure: the leaf paths where `after` differs from `before`; arrays of conditions keyed by type. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (before === after) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const byType = (v: unknown): Record<string, unknown> | undefined =>
    Array.isArray(v) && v.every((x) => isObject(x) && typeof x['type'] === 'string')
      ? Object.fromEntries(v.map((x) => [(x as { type: string }).type, x]))
      : undefined;
  const [tb, ta] = [byType(before), byType(after)];
  if (tb && ta) {
    const keys = new Set([...Object.keys(tb), ...Object.keys(ta)]);
    return [...keys].flatMap((k) => changedPaths(tb[k], ta[k], `${prefix}[${k}]`));
  }
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys]
      .filter((k) => !SKIPPED.has(k))
      .flatMap((k) => changedPaths(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [prefix || '.'];
}

/** The part of an object a write of `subresource` changes: status for status writes, else the rest. */
export function writtenPart(o: KObject | undefined, subresource: string | undefined): unknown {
  if (!o) return undefined;
  if (subresource === 'status') return { status: o.status };
  const { metadata, status, ...rest } = o;
  return { ...rest, metadata: { labels: metadata?.labels, annotations: metadata?.annotations } };
}

/**
 * Pure: each kind's writes over [fromSeconds, toSeconds), and, for each, how many changed each
 * top-level field (a status write that moved `status.actual.cpu` and `lastResizeTime` counts for both).
 */
export function writesByKind(
  records: readonly WriteRecord[],
  fromSeconds: number,
  toSeconds: number,
): Record<string, { writes: number; changed: Record<string, number> }> {
  const out: Record<string, { writes: number; changed: Record<string, number> }> = {};
  for (const r of records) {
    if (r.t < fromSeconds || r.t >= toSeconds) continue;
    const k = out[r.kind] ?? { writes: 0, changed: {} };
    out[r.kind] = k;
    k.writes++;
    const fields = new Set(r.changed.map(fieldOf));
    if (fields.size === 0) fields.add('(nothing)');
    for (const f of fields) k.changed[f] = (k.changed[f] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1].writes - a[1].writes));
}

/** A path to the field an operator reads: `status.conditions[Enacted].reason` → `status.conditions[Enacted]`. */
function fieldOf(path: string): string {
  const cond = /^(.*?\[[^\]]+\])/.exec(path);
  if (cond) return cond[1]!;
  return path.split('.').slice(0, 3).join('.');
}
