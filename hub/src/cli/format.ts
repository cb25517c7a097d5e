// Human tables for kosmosctl: SLAs, one service with its pods, one pod, and decision lines. Pure.
import Table from 'cli-table3';
import type { Decision__Output } from '../../../proto/gen/kosmos/v1/Decision.ts';
import type { ListSlasResponse__Output } from '../../../proto/gen/kosmos/v1/ListSlasResponse.ts';
import type { PodStatus__Output } from '../../../proto/gen/kosmos/v1/PodStatus.ts';
import type { Resources__Output } from '../../../proto/gen/kosmos/v1/Resources.ts';
import type { ServiceStatus__Output } from '../../../proto/gen/kosmos/v1/ServiceStatus.ts';
import type { SlaSummary__Output } from '../../../proto/gen/kosmos/v1/SlaSummary.ts';

const plain = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, ...plain });
  t.push(...rows);
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

export function ms(seconds: number | undefined): string {
  if (!seconds) return '-';
  return seconds < 1 ? `${Math.round(seconds * 1000)}ms` : `${seconds.toFixed(2)}s`;
}

export function cpu(milli: number | undefined): string {
  if (!milli) return '-';
  return milli % 1000 === 0 ? `${milli / 1000}` : `${milli}m`;
}

export function mem(bytes: number | undefined): string {
  if (!bytes) return '-';
  const mi = bytes / 1024 / 1024;
  return mi >= 1024 ? `${(mi / 1024).toFixed(1)}Gi` : `${Math.round(mi)}Mi`;
}

const res = (r: Resources__Output | null | undefined) => `${cpu(r?.cpuMilli)}/${mem(r?.memoryBytes)}`;

const NO_SIGNAL = 'no signal';

/** The SLO attainment, never claimed for pods without a response-time signal. */
function attainment(s: SlaSummary__Output): string {
  const without = s.podsWithoutSignal ?? 0;
  if (without > 0 && without >= s.podsTracked) return NO_SIGNAL;
  const met = `${(s.sloAttainment * 100).toFixed(0)}%`;
  return without > 0 ? `${met}, ${without}/${s.podsTracked} ${NO_SIGNAL}` : met;
}

export function formatSlas(r: ListSlasResponse__Output): string {
  const rows = r.slas.map((s) => [
    `${s.namespace}/${s.name}`,
    s.target,
    s.mode,
    `${ms(s.objectiveSeconds)} ${s.statistic}`,
    s.podsTracked > 0 && (s.podsWithoutSignal ?? 0) >= s.podsTracked ? NO_SIGNAL : ms(s.observedSeconds),
    s.requestRate.toFixed(1),
    `${s.replicas}/${s.desiredReplicas}`,
    String(s.podsTracked),
    attainment(s),
    s.ready ? 'True' : 'False',
    s.message,
  ]);
  const header = `hub ${r.hubId} (${r.leader ? 'leader' : 'standby'})`;
  if (rows.length === 0) return `${header}\nNo ServiceLevelAgreements.`;
  const head = [
    'SLA',
    'TARGET',
    'MODE',
    'OBJECTIVE',
    'OBSERVED',
    'RPS',
    'REPLICAS',
    'PODS',
    'SLO MET',
    'READY',
    'MESSAGE',
  ];
  return `${header}\n${table(head, rows)}`;
}

function podRows(pods: PodStatus__Output[]): string[][] {
  return pods.map((p) => [
    p.name,
    p.node + (p.nodeStale ? ' (stale)' : ''),
    res(p.desired),
    res(p.enacted),
    p.capped && (p.capped.cpuMilli || p.capped.memoryBytes) ? `${res(p.capped)} ${p.capReason}` : '-',
    cpu(Math.round(p.cpuUsageMilli)),
    p.signalFailure ? NO_SIGNAL : ms(p.responseTimeSeconds),
    p.signalFailure ? '-' : p.requestRate.toFixed(1),
    String(p.lbWeight),
    p.resizeState || '-',
  ]);
}

export function formatDecision(d: Decision__Output): string {
  const when = new Date(d.timestampMs).toISOString().slice(11, 19);
  return `${when}  ${d.kind.padEnd(10)}  ${d.namespace}/${d.sla}${d.pod ? `/${d.pod}` : ''}  ${d.summary}`;
}

export function formatService(s: ServiceStatus__Output): string {
  const head = ['POD', 'NODE', 'DESIRED', 'ENACTED', 'CAPPED', 'CPU USED', 'RT', 'RPS', 'WEIGHT', 'RESIZE'];
  const parts = [
    formatSlas({ slas: s.sla ? [s.sla] : [], hubId: '', leader: true })
      .split('\n')
      .slice(1)
      .join('\n'),
  ];
  parts.push('', s.pods.length ? table(head, podRows(s.pods)) : 'No tracked pods.');
  if (s.recentDecisions.length) parts.push('', 'Recent decisions:', ...s.recentDecisions.map(formatDecision));
  return parts.join('\n');
}

export function formatPod(p: PodStatus__Output): string {
  const rows: Array<[string, string]> = [
    ['Pod', `${p.namespace}/${p.name} (${p.uid})`],
    ['Node', p.node + (p.nodeStale ? ' (stale: agent not reporting)' : '')],
    ['SLA', p.sla],
    ['Container', p.container],
    ['Desired', res(p.desired)],
    ['Enacted', res(p.enacted)],
    ['Capped', p.capReason && p.capReason !== 'None' ? `${res(p.capped)} (${p.capReason})` : '-'],
    ['CPU used', cpu(Math.round(p.cpuUsageMilli))],
    ['Working set', mem(p.memoryWorkingSetBytes)],
    ['Response time', p.signalFailure ? `${NO_SIGNAL} (${p.signalFailure})` : ms(p.responseTimeSeconds)],
    ['Request rate', p.signalFailure ? '-' : `${p.requestRate.toFixed(1)}/s`],
    ['Resize', p.resizeState || '-'],
    ['LB weight', String(p.lbWeight)],
    ['Last update', p.lastUpdateMs ? new Date(p.lastUpdateMs).toISOString() : '-'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
}
