// The real-process benchmark's workloads: one service (the sample app) whose request rate follows a
// step, the same step for a service whose requests also wait on I/O, and a window of a test day of
// each shipped trace (bench/quality/split.ts), compressed as the quality benchmark compresses it and
// rescaled to what the testbed's 1.2 cores can serve.
import { TEST_WINDOWS } from '../quality/split.ts';
import { loadWindow } from '../quality/workloads.ts';

export interface RealWorkload {
  name: string;
  /** What the rate is, for the report. */
  source: string;
  /** Requests per second, one value per second of the run. */
  ratePerSecond: number[];
  cpuPerRequestMs: number;
  ioWaitMs: number;
  sloMs: number;
  statistic: 'p95';
}

export const REAL_WORKLOADS = ['step', 'io-step', 'nasa', 'twitter'] as const;
export type RealWorkloadName = (typeof REAL_WORKLOADS)[number];

/** The traces' windows are 7200 compressed seconds; the run plays this stretch of them (day time). */
const TRACE_OFFSET_SECONDS = 3600;
/** Trace windows rescaled to this mean: 10 ms each, 0.25 cores on average, bursts near a core. */
const TRACE_MEAN_RPS = 25;

function step(duration: number, atSeconds: number, fromRps: number, toRps: number): number[] {
  return Array.from({ length: duration }, (_, t) => (t < atSeconds ? fromRps : toRps));
}

export async function realWorkload(name: RealWorkloadName, durationSeconds: number): Promise<RealWorkload> {
  const base = { cpuPerRequestMs: 10, ioWaitMs: 0, sloMs: 200, statistic: 'p95' as const };
  const stepAt = Math.round(durationSeconds / 4);
  switch (name) {
    case 'step':
      return {
        ...base,
        name,
        source: `step 8 → 40 rps at ${stepAt} s`,
        ratePerSecond: step(durationSeconds, stepAt, 8, 40),
      };
    case 'io-step':
      return {
        ...base,
        name,
        ioWaitMs: 60,
        source: `step 8 → 40 rps at ${stepAt} s; each request waits 60 ms on I/O, then burns 10 ms of CPU`,
        ratePerSecond: step(durationSeconds, stepAt, 8, 40),
      };
    case 'nasa':
    case 'twitter': {
      const window = { ...TEST_WINDOWS[`${name}-weekday`]!.frontend, meanRps: TRACE_MEAN_RPS };
      const trace = await loadWindow(window);
      const ratePerSecond = Array.from({ length: durationSeconds }, (_, t) =>
        trace.rateAt(TRACE_OFFSET_SECONDS + t),
      );
      return {
        ...base,
        name,
        source: `${name} test day ${window.startSeconds / 86400} (weekday), compressed ${window.compression}×, mean ${TRACE_MEAN_RPS} rps over the day, seconds [${TRACE_OFFSET_SECONDS}, ${TRACE_OFFSET_SECONDS + durationSeconds}) of the compressed day`,
        ratePerSecond,
      };
    }
  }
}
