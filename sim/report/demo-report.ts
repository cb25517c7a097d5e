// Writes the demo's report: one SVG per chart, report/index.html that shows them, and summary.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChartSeries, lineChartSvg } from './svg-chart.ts';

export interface ServiceSample {
  t: number;
  requestRate: number;
  responseTimeSeconds?: number;
  replicas: number;
}

export interface PodSample {
  t: number;
  desiredCpuMilli?: number;
  enactedCpuMilli: number;
  usageCpuMilli: number;
  /** Capped by its node's arbitration (PodScale status.capped.reason NodeContention). */
  nodeContention?: boolean;
}

export interface ServiceRecord {
  name: string;
  sloSeconds: number;
  statistic: string;
  samples: ServiceSample[];
  pods: Map<string, PodSample[]>;
}

export interface DemoSummary {
  scenario: string;
  durationSeconds: number;
  services: {
    name: string;
    sloSeconds: number;
    statistic: string;
    sloViolationPercent: number;
    coreSecondsAllocated: number;
    coreSecondsUsed: number;
    resizes: number;
    scaleEvents: number;
    /** Pod-seconds capped by a node's arbitration (the sum of desired did not fit the node). */
    nodeContentionPodSeconds: number;
    initialReplicas: number;
    maxReplicas: number;
    /** Largest CPU any pod of the service had enacted, and the first pod's first enacted CPU. */
    initialEnactedCpuMilli: number;
    maxEnactedCpuMilli: number;
    /** SLO violation over the last `tailSeconds` of the run: did the service end inside it? */
    tailSeconds: number;
    tailViolationPercent: number;
  }[];
  stoppedEarly: boolean;
  /** API requests served by the embedded cluster, by "verb resource[/subresource]". */
  apiRequests?: Record<string, number>;
}

const TAIL_SECONDS = 20;

function violationPercent(samples: ServiceSample[], sloSeconds: number): number {
  const withRt = samples.filter((s) => s.responseTimeSeconds !== undefined);
  const violated = withRt.filter((s) => s.responseTimeSeconds! > sloSeconds).length;
  return withRt.length ? (100 * violated) / withRt.length : 0;
}

function changes(values: number[]): number {
  let n = 0;
  for (let i = 1; i < values.length; i++) if (values[i] !== values[i - 1]) n++;
  return n;
}

/** Per-service figures from the samples (1 sample ≈ 1 s of demo time, weighted by its interval). */
export function summarize(
  scenario: string,
  records: ServiceRecord[],
  stoppedEarly: boolean,
  apiRequests?: Map<string, number>,
): DemoSummary {
  const services = records.map((r) => {
    const end = r.samples.at(-1)?.t ?? 0;
    const enacted = [...r.pods.values()].flatMap((samples) => samples.map((s) => s.enactedCpuMilli));
    const firstPod = [...r.pods.values()][0]?.[0];
    let allocated = 0;
    let used = 0;
    let resizes = 0;
    for (const samples of r.pods.values()) {
      for (let i = 1; i < samples.length; i++) {
        const dt = samples[i]!.t - samples[i - 1]!.t;
        allocated += (samples[i - 1]!.enactedCpuMilli / 1000) * dt;
        used += (samples[i - 1]!.usageCpuMilli / 1000) * dt;
      }
      resizes += changes(samples.map((s) => s.enactedCpuMilli));
    }
    return {
      name: r.name,
      sloSeconds: r.sloSeconds,
      statistic: r.statistic,
      sloViolationPercent: violationPercent(r.samples, r.sloSeconds),
      coreSecondsAllocated: Math.round(allocated * 10) / 10,
      coreSecondsUsed: Math.round(used * 10) / 10,
      resizes,
      scaleEvents: changes(r.samples.map((s) => s.replicas)),
      nodeContentionPodSeconds: [...r.pods.values()].flat().filter((s) => s.nodeContention).length,
      initialReplicas: r.samples[0]?.replicas ?? 0,
      maxReplicas: Math.max(0, ...r.samples.map((s) => s.replicas)),
      initialEnactedCpuMilli: firstPod?.enactedCpuMilli ?? 0,
      maxEnactedCpuMilli: Math.max(0, ...enacted),
      tailSeconds: TAIL_SECONDS,
      tailViolationPercent: violationPercent(
        r.samples.filter((s) => s.t > end - TAIL_SECONDS),
        r.sloSeconds,
      ),
    };
  });
  const duration = Math.max(0, ...records.flatMap((r) => r.samples.map((s) => s.t)));
  return {
    scenario,
    durationSeconds: duration,
    services,
    stoppedEarly,
    ...(apiRequests ? { apiRequests: Object.fromEntries([...apiRequests].sort()) } : {}),
  };
}

async function serviceCharts(r: ServiceRecord): Promise<{ file: string; svg: string }[]> {
  const at = <T>(xs: T[], f: (x: T) => number | undefined, t: (x: T) => number) =>
    xs.flatMap((x) => {
      const y = f(x);
      return y === undefined ? [] : [{ x: t(x), y }];
    });
  const podSeries = (field: (p: PodSample) => number | undefined, suffix: string): ChartSeries[] =>
    [...r.pods].map(([pod, samples]) => ({
      name: `${shortPodName(pod)} ${suffix}`,
      group: shortPodName(pod),
      kind: suffix,
      points: at(samples, field, (s) => s.t),
    }));
  const maxReplicas = Math.max(1, ...r.samples.map((s) => s.replicas));
  const last = r.samples.at(-1)?.t ?? 0;
  return [
    {
      file: `${r.name}-load.svg`,
      svg: await lineChartSvg({
        title: `${r.name}: load`,
        xLabel: 'time (s)',
        yLabel: 'requests/s',
        series: [
          {
            name: 'request rate',
            points: at(
              r.samples,
              (s) => s.requestRate,
              (s) => s.t,
            ),
          },
        ],
      }),
    },
    {
      file: `${r.name}-rt.svg`,
      svg: await lineChartSvg({
        title: `${r.name}: ${r.statistic} response time vs objective (axis clipped at 5× objective)`,
        xLabel: 'time (s)',
        yLabel: 'ms',
        yMax: r.sloSeconds * 5000,
        series: [
          {
            name: `${r.statistic} RT`,
            points: at(
              r.samples,
              (s) => (s.responseTimeSeconds ?? NaN) * 1000,
              (s) => s.t,
            ),
          },
          {
            name: 'objective',
            dashed: true,
            points: [
              { x: 0, y: r.sloSeconds * 1000 },
              { x: last, y: r.sloSeconds * 1000 },
            ],
          },
        ],
      }),
    },
    {
      file: `${r.name}-cpu.svg`,
      svg: await lineChartSvg({
        title: `${r.name}: CPU per pod (one colour per pod: enacted solid, desired dashed, used dotted)`,
        xLabel: 'time (s)',
        yLabel: 'millicores',
        step: true,
        series: [
          ...podSeries((s) => s.enactedCpuMilli, 'enacted'),
          ...podSeries((s) => s.desiredCpuMilli, 'desired'),
          ...podSeries((s) => s.usageCpuMilli, 'used'),
        ],
      }),
    },
    {
      file: `${r.name}-replicas.svg`,
      svg: await lineChartSvg({
        title: `${r.name}: replicas`,
        xLabel: 'time (s)',
        yLabel: 'replicas',
        step: true,
        // room above the highest count: a line at the top edge of the plot is invisible
        yMax: maxReplicas + 1,
        series: [
          {
            name: 'replicas',
            points: at(
              r.samples,
              (s) => s.replicas,
              (s) => s.t,
            ),
          },
        ],
      }),
    },
  ];
}

/** The pod-template hash is the same for every pod: keep the pod's own suffix. */
function shortPodName(pod: string): string {
  const parts = pod.split('-');
  return parts.length >= 3 ? `${parts.slice(0, -2).join('-')}-…${parts.at(-1)}` : pod;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function writeDemoReport(
  dir: string,
  summary: DemoSummary,
  records: ServiceRecord[],
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const sections: string[] = [];
  for (const r of records) {
    const charts = await serviceCharts(r);
    for (const c of charts) writeFileSync(join(dir, c.file), c.svg);
    const s = summary.services.find((x) => x.name === r.name)!;
    sections.push(`<section><h2>${escapeHtml(r.name)}</h2>
<p>objective: ${s.statistic} ≤ ${Math.round(s.sloSeconds * 1000)} ms · SLO violated ${s.sloViolationPercent.toFixed(1)}% of the time ·
${s.coreSecondsAllocated} core-seconds allocated (${s.coreSecondsUsed} used) · ${s.resizes} resizes · ${s.scaleEvents} replica changes · ${s.nodeContentionPodSeconds} pod-seconds capped by node arbitration</p>
${charts.map((c) => `<img src="${c.file}" alt="${escapeHtml(c.file)}">`).join('\n')}
</section>`);
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kosmos demo: ${escapeHtml(summary.scenario)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}img{display:block;margin:1em 0;max-width:100%}</style>
</head><body>
<h1>kosmos demo — scenario ${escapeHtml(summary.scenario)}</h1>
<p>${Math.round(summary.durationSeconds)} s of demo time${summary.stoppedEarly ? ' (stopped early)' : ''}. Figures in <a href="summary.json">summary.json</a>.</p>
${sections.join('\n')}
</body></html>
`;
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return join(dir, 'index.html');
}
