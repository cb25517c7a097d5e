// Per-step record of a discrete run, columnar: per service load, response times, SLO verdict,
// allocated and used cores, replicas; per pod desired/enacted/used CPU; and the scaling events.
import { createHash } from 'node:crypto';
import { statisticSeconds } from '../../lib/api/statistic.ts';
import type { Statistic } from '../../lib/api/types.ts';
import type { RtStats } from './controller.ts';

/** The SLA statistic of a step's response-time summary. */

/** A step violates the SLO when its statistic exceeds the objective, or > 1% of requests were dropped. */
export const DROPPED_VIOLATION_FRACTION = 0.01;

export interface ServiceSeries {
  name: string;
  sloSeconds: number;
  statistic: Statistic;
  offeredRps: Float64Array;
  throughputRps: Float64Array;
  droppedRps: Float64Array;
  /** Response times of the step's completions, seconds; NaN in steps that completed nothing. */
  meanRtSeconds: Float64Array;
  p50RtSeconds: Float64Array;
  p90RtSeconds: Float64Array;
  p95RtSeconds: Float64Array;
  p99RtSeconds: Float64Array;
  /** 1 where the step violated the SLO (see DROPPED_VIOLATION_FRACTION). */
  sloViolated: Uint8Array;
  /** Σ enacted CPU of placed pods (starting ones included: the node reserves it), cores. */
  allocatedCores: Float64Array;
  usedCores: Float64Array;
  /** Σ enacted memory of placed pods. */
  allocatedMemoryBytes: Float64Array;
  replicasTarget: Float64Array;
  replicasExisting: Float64Array;
  replicasReady: Float64Array;
}

export interface PodSeries {
  name: string;
  service: string;
  /** Index of the pod's first recorded step; the arrays run from there. */
  firstStep: number;
  desiredCpuMilli: number[];
  enactedCpuMilli: number[];
  usedCores: number[];
  ready: number[];
}

export type SimEventKind =
  | 'resize'
  | 'resize-enacted'
  | 'resize-deferred'
  | 'resize-infeasible'
  | 'replicas'
  | 'recreate'
  | 'oom-kill';

export interface SimEvent {
  tSeconds: number;
  kind: SimEventKind;
  service: string;
  pod?: string;
  detail?: Record<string, number>;
}

export interface Recording {
  scenario: string;
  controller: string;
  seed: number;
  stepSeconds: number;
  steps: number;
  services: ServiceSeries[];
  pods: PodSeries[];
  events: SimEvent[];
}

export interface ServiceStep {
  offeredRps: number;
  throughputRps: number;
  droppedRps: number;
  rt: RtStats | null;
  allocatedCores: number;
  usedCores: number;
  allocatedMemoryBytes: number;
  replicasTarget: number;
  replicasExisting: number;
  replicasReady: number;
}

export class Recorder {
  readonly #rec: Recording;
  readonly #pods = new Map<string, PodSeries>();
  readonly #recordPods: boolean;

  constructor(
    meta: { scenario: string; controller: string; seed: number; stepSeconds: number; steps: number },
    services: { name: string; sloSeconds: number; statistic: Statistic }[],
    recordPods = true,
  ) {
    const n = meta.steps;
    this.#recordPods = recordPods;
    this.#rec = {
      ...meta,
      services: services.map((s) => ({
        ...s,
        offeredRps: new Float64Array(n),
        throughputRps: new Float64Array(n),
        droppedRps: new Float64Array(n),
        meanRtSeconds: new Float64Array(n),
        p50RtSeconds: new Float64Array(n),
        p90RtSeconds: new Float64Array(n),
        p95RtSeconds: new Float64Array(n),
        p99RtSeconds: new Float64Array(n),
        sloViolated: new Uint8Array(n),
        allocatedCores: new Float64Array(n),
        usedCores: new Float64Array(n),
        allocatedMemoryBytes: new Float64Array(n),
        replicasTarget: new Float64Array(n),
        replicasExisting: new Float64Array(n),
        replicasReady: new Float64Array(n),
      })),
      pods: [],
      events: [],
    };
  }

  service(step: number, index: number, s: ServiceStep): void {
    const series = this.#rec.services[index]!;
    series.offeredRps[step] = s.offeredRps;
    series.throughputRps[step] = s.throughputRps;
    series.droppedRps[step] = s.droppedRps;
    const rt = s.rt;
    series.meanRtSeconds[step] = rt ? rt.meanSeconds : Number.NaN;
    series.p50RtSeconds[step] = rt ? rt.p50Seconds : Number.NaN;
    series.p90RtSeconds[step] = rt ? rt.p90Seconds : Number.NaN;
    series.p95RtSeconds[step] = rt ? rt.p95Seconds : Number.NaN;
    series.p99RtSeconds[step] = rt ? rt.p99Seconds : Number.NaN;
    const tooSlow = rt !== null && statisticSeconds(rt, series.statistic) > series.sloSeconds;
    const tooManyDropped = s.droppedRps > DROPPED_VIOLATION_FRACTION * s.offeredRps && s.droppedRps > 0;
    series.sloViolated[step] = tooSlow || tooManyDropped ? 1 : 0;
    series.allocatedCores[step] = s.allocatedCores;
    series.usedCores[step] = s.usedCores;
    series.allocatedMemoryBytes[step] = s.allocatedMemoryBytes;
    series.replicasTarget[step] = s.replicasTarget;
    series.replicasExisting[step] = s.replicasExisting;
    series.replicasReady[step] = s.replicasReady;
  }

  pod(
    step: number,
    name: string,
    service: string,
    desiredCpuMilli: number,
    enactedCpuMilli: number,
    usedCores: number,
    ready: boolean,
  ): void {
    if (!this.#recordPods) return;
    let series = this.#pods.get(name);
    if (!series) {
      series = {
        name,
        service,
        firstStep: step,
        desiredCpuMilli: [],
        enactedCpuMilli: [],
        usedCores: [],
        ready: [],
      };
      this.#pods.set(name, series);
      this.#rec.pods.push(series);
    }
    // A pod absent for some steps (never, today) would shift its arrays: pad to keep them aligned.
    while (series.firstStep + series.usedCores.length < step) {
      series.desiredCpuMilli.push(Number.NaN);
      series.enactedCpuMilli.push(Number.NaN);
      series.usedCores.push(0);
      series.ready.push(0);
    }
    series.desiredCpuMilli.push(desiredCpuMilli);
    series.enactedCpuMilli.push(enactedCpuMilli);
    series.usedCores.push(usedCores);
    series.ready.push(ready ? 1 : 0);
  }

  event(e: SimEvent): void {
    this.#rec.events.push(e);
  }

  result(): Recording {
    return this.#rec;
  }
}

/** SHA-256 over every recorded number and event, in order: equal hashes mean identical runs. */
export function recordingHash(rec: Recording): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([rec.scenario, rec.controller, rec.seed, rec.stepSeconds, rec.steps]));
  for (const s of rec.services) {
    h.update(s.name);
    for (const key of SERIES_KEYS) {
      const arr = s[key];
      h.update(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
    }
  }
  for (const p of rec.pods) {
    h.update(JSON.stringify([p.name, p.service, p.firstStep]));
    h.update(new Uint8Array(Float64Array.from(p.desiredCpuMilli).buffer));
    h.update(new Uint8Array(Float64Array.from(p.enactedCpuMilli).buffer));
    h.update(new Uint8Array(Float64Array.from(p.usedCores).buffer));
    h.update(new Uint8Array(Float64Array.from(p.ready).buffer));
  }
  h.update(JSON.stringify(rec.events));
  return h.digest('hex');
}

const SERIES_KEYS = [
  'offeredRps',
  'throughputRps',
  'droppedRps',
  'meanRtSeconds',
  'p50RtSeconds',
  'p90RtSeconds',
  'p95RtSeconds',
  'p99RtSeconds',
  'sloViolated',
  'allocatedCores',
  'usedCores',
  'allocatedMemoryBytes',
  'replicasTarget',
  'replicasExisting',
  'replicasReady',
] as const;
