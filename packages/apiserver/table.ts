// Server-side Table rendering (meta.k8s.io/v1 Table) for `kubectl get`: the columns the real
// server prints for common kinds, and a CRD's additionalPrinterColumns.
import type { Json, KObject } from './object-types.ts';
import { type ResourceType, storageKey } from './registry.ts';

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  description?: string;
  cell(o: KObject): unknown;
}

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').includes('as=Table');
}

/** "5s", "3m12s", "4h5m", "2d3h", as kubectl prints ages. */
export function humanAge(from: string | undefined, now: number = Date.now()): string {
  if (!from) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`;
}

function jsonPath(o: Json, path: string): unknown {
  let cur = o;
  for (const part of path
    .replace(/^\./, '')
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')) {
    if (cur === undefined || cur === null) return undefined;
    cur = cur[part];
  }
  return cur;
}

const name: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const age: Column = { name: 'Age', type: 'string', cell: (o) => humanAge(o.metadata.creationTimestamp) };

function podStatus(p: KObject): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const waiting = (p.status?.containerStatuses ?? []).find((s: Json) => s.state?.waiting)?.state.waiting
    .reason;
  return waiting ?? p.status?.phase ?? 'Unknown';
}

function replicaColumns(): Column[] {
  return [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    age,
  ];
}

/** printEvent: the same columns for both Event APIs, read from the core/v1 shape. */
function eventColumns(): Column[] {
  const first = (e: KObject) => humanAge(e.firstTimestamp || e.eventTime || undefined);
  const last = (e: KObject) =>
    e.series?.lastObservedTime
      ? humanAge(e.series.lastObservedTime)
      : e.lastTimestamp
        ? humanAge(e.lastTimestamp)
        : first(e);
  const target = (e: KObject) => {
    const kind = String(e.involvedObject?.kind ?? '').toLowerCase();
    return e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  };
  const source = (e: KObject) => {
    const component = e.source?.component || e.reportingComponent || '';
    const instance = e.source?.host || e.reportingInstance || '';
    return instance ? `${component}, ${instance}` : component;
  };
  return [
    { name: 'Last Seen', type: 'string', cell: last },
    { name: 'Type', type: 'string', cell: (e) => e.type ?? '' },
    { name: 'Reason', type: 'string', cell: (e) => e.reason ?? '' },
    { name: 'Object', type: 'string', cell: target },
    { name: 'Subobject', type: 'string', priority: 1, cell: (e) => e.involvedObject?.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, cell: source },
    { name: 'Message', type: 'string', cell: (e) => String(e.message ?? '').trim() },
    { name: 'First Seen', type: 'string', priority: 1, cell: first },
    { name: 'Count', type: 'integer', priority: 1, cell: (e) => e.series?.count ?? (e.count || 1) },
    { name: 'Name', type: 'string', format: 'name', priority: 1, cell: (e) => e.metadata.name },
  ];
}

function columnsFor(t: ResourceType, crdColumns: Json[] | undefined): Column[] {
  if (crdColumns && crdColumns.length > 0) {
    return [
      name,
      ...crdColumns.map((c: Json) => ({
        name: c.name,
        type: c.type,
        priority: c.priority ?? 0,
        description: c.description,
        cell: (o: KObject) => {
          const v = jsonPath(o, c.jsonPath);
          return c.type === 'date' && typeof v === 'string' ? humanAge(v) : (v ?? null);
        },
      })),
    ];
  }
  switch (storageKey(t)) {
    case '/events':
      return eventColumns();
    case '/pods':
      return [
        name,
        {
          name: 'Ready',
          type: 'string',
          cell: (o) =>
            `${(o.status?.containerStatuses ?? []).filter((s: Json) => s.ready).length}/${o.spec?.containers?.length ?? 0}`,
        },
        { name: 'Status', type: 'string', cell: podStatus },
        {
          name: 'Restarts',
          type: 'integer',
          cell: (o) =>
            (o.status?.containerStatuses ?? []).reduce((n: number, s: Json) => n + (s.restartCount ?? 0), 0),
        },
        age,
        { name: 'IP', type: 'string', priority: 1, cell: (o) => o.status?.podIP ?? '<none>' },
        { name: 'Node', type: 'string', priority: 1, cell: (o) => o.spec?.nodeName ?? '<none>' },
      ];
    case '/nodes':
      return [
        name,
        {
          name: 'Status',
          type: 'string',
          cell: (o) =>
            (o.status?.conditions ?? []).find((c: Json) => c.type === 'Ready')?.status === 'True'
              ? 'Ready'
              : 'NotReady',
        },
        { name: 'Roles', type: 'string', cell: () => '<none>' },
        age,
        { name: 'Version', type: 'string', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
        { name: 'CPU', type: 'string', priority: 1, cell: (o) => o.status?.allocatable?.cpu ?? '' },
        { name: 'Memory', type: 'string', priority: 1, cell: (o) => o.status?.allocatable?.memory ?? '' },
      ];
    case '/services':
      return [
        name,
        { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? 'ClusterIP' },
        { name: 'Cluster-IP', type: 'string', cell: (o) => o.spec?.clusterIP ?? '<none>' },
        { name: 'External-IP', type: 'string', cell: () => '<none>' },
        {
          name: 'Port(s)',
          type: 'string',
          cell: (o) =>
            (o.spec?.ports ?? []).map((p: Json) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
        },
        age,
      ];
    case '/namespaces':
      return [name, { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }, age];
    case 'apps/deployments':
    case 'apps/statefulsets':
      return replicaColumns();
    case 'apps/replicasets':
      return [
        name,
        { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 0 },
        { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
        { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
        age,
      ];
    default:
      return [name, age];
  }
}

export function toTable(t: ResourceType, items: KObject[], resourceVersion: string, crdColumns?: Json[]) {
  const columns = columnsFor(t, crdColumns);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({
      cells: columns.map((c) => c.cell(t.storedAs ? t.storedAs.toStored(o) : o)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
