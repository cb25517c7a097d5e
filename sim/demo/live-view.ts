// Renders the demo's live terminal view from a snapshot (pure: snapshot in, text out).
import { type HubSeen, hubStateText } from './hub-watch.ts';

export interface LivePod {
  name: string;
  node: string;
  ready: boolean;
  desiredCpuMilli?: number;
  enactedCpuMilli: number;
  cappedCpuMilli?: number;
  usageCpuMilli: number;
}

export interface LiveService {
  name: string;
  requestRate: number;
  replicas: number;
  readyReplicas: number;
  responseTimeSeconds?: number;
  sloSeconds: number;
  statistic: string;
  violationPercent: number;
  pods: LivePod[];
}

export interface LiveSnapshot {
  scenario: string;
  elapsedSeconds: number;
  durationSeconds: number;
  traceSeconds: number;
  services: LiveService[];
  /** What the demo sees of the hub (hub-watch.ts). */
  hub: HubSeen;
  notes: string[];
}

const milli = (m: number | undefined) =>
  m === undefined ? '-' : m >= 1000 ? `${(m / 1000).toFixed(2)}` : `${Math.round(m)}m`;
const ms = (s: number | undefined) => (s === undefined ? '-' : `${Math.round(s * 1000)}ms`);

function bar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function renderLiveView(s: LiveSnapshot, color: boolean): string {
  const red = (t: string) => (color ? `\x1b[31m${t}\x1b[0m` : t);
  const green = (t: string) => (color ? `\x1b[32m${t}\x1b[0m` : t);
  const bold = (t: string) => (color ? `\x1b[1m${t}\x1b[0m` : t);
  const lines: string[] = [];
  const progress = s.durationSeconds > 0 ? s.elapsedSeconds / s.durationSeconds : 0;
  const hub = hubStateText(s.hub);
  lines.push(
    `${bold('kosmos demo')} · scenario ${s.scenario} · ${bar(progress, 30)} ${Math.round(s.elapsedSeconds)}/${Math.round(s.durationSeconds)} s (trace t=${Math.round(s.traceSeconds)} s) · ${hub.ok ? green(hub.text) : red(hub.text)}`,
  );
  for (const svc of s.services) {
    const rt = svc.responseTimeSeconds;
    const within = rt === undefined || rt <= svc.sloSeconds;
    const rtText = `${svc.statistic} ${ms(rt)} / SLO ${ms(svc.sloSeconds)}`;
    lines.push('');
    lines.push(
      `${bold(svc.name.padEnd(20))} load ${svc.requestRate.toFixed(1).padStart(7)} req/s   replicas ${svc.readyReplicas}/${svc.replicas}   ${within ? green(rtText) : red(rtText)}   violations ${svc.violationPercent.toFixed(1)}%`,
    );
    lines.push(
      `  ${'pod'.padEnd(34)} ${'node'.padEnd(10)} ${'desired'.padStart(8)} ${'enacted'.padStart(8)} ${'capped'.padStart(8)} ${'used'.padStart(8)}`,
    );
    for (const p of svc.pods) {
      const capped = p.cappedCpuMilli ? red(milli(p.cappedCpuMilli).padStart(8)) : '-'.padStart(8);
      lines.push(
        `  ${(p.name + (p.ready ? '' : ' (starting)')).padEnd(34)} ${p.node.padEnd(10)} ${milli(p.desiredCpuMilli).padStart(8)} ${milli(p.enactedCpuMilli).padStart(8)} ${capped} ${milli(p.usageCpuMilli).padStart(8)}`,
      );
    }
  }
  for (const n of s.notes.slice(-4)) lines.push(`  · ${n}`);
  return lines.join('\n');
}
