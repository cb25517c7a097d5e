// The train/test split of the shipped traces, by whole days: control-law tuning may look at the
// training days only; the benchmark's tables (and the README's) report the test days only.
import type { TraceWindow, TraceWindows } from './trace-windows.ts';

export const DAY_SECONDS = 86400;

export type DayRange = { from: number; to: number };

export type TraceSplit = {
  /** Short name of the shipped file (sim/traces/real-trace.ts TRACE_FILES). */
  file: 'nasa' | 'twitter';
  /** Calendar date of day 0 (UTC; the file's first second). */
  day0: string;
  days: number;
  /** Day indexes (inclusive) that tuning may use. */
  trainingDays: DayRange;
  /** Day indexes (inclusive) that the reported figures come from. */
  testDays: DayRange;
  /** Saturdays and Sundays among the days. */
  weekendDays: readonly number[];
};

/**
 * NASA-HTTP: 1–28 July 1995 (day 0 a Saturday); the first two weeks train, the last two test.
 * Twitter: 1–11 August 2021 (day 0 a Sunday); days 0–5 train, 6–10 (a weekend and three weekdays) test.
 * The windows the law was tuned on before the split (NASA days 2 and 4, Twitter days 1 and 3) are
 * training days.
 */
export const TRACE_SPLITS: Readonly<Record<'nasa' | 'twitter', TraceSplit>> = {
  nasa: {
    file: 'nasa',
    day0: '1995-07-01',
    days: 28,
    trainingDays: { from: 0, to: 13 },
    testDays: { from: 14, to: 27 },
    weekendDays: [0, 1, 7, 8, 14, 15, 21, 22],
  },
  twitter: {
    file: 'twitter',
    day0: '2021-08-01',
    days: 11,
    trainingDays: { from: 0, to: 5 },
    testDays: { from: 6, to: 10 },
    weekendDays: [0, 6, 7],
  },
};

/** Real traffic is compressed 12× (one simulated second holds 12 real ones) and rescaled to these means. */
const COMPRESSION = 12;
const FRONTEND_MEAN_RPS = 50;
const BACKEND_MEAN_RPS = 10;

function day(file: 'nasa' | 'twitter', index: number, meanRps: number): TraceWindow {
  return {
    file,
    startSeconds: index * DAY_SECONDS,
    lengthSeconds: DAY_SECONDS,
    compression: COMPRESSION,
    meanRps,
  };
}

function pair(file: 'nasa' | 'twitter', frontendDay: number, backendDay: number) {
  return {
    frontend: day(file, frontendDay, FRONTEND_MEAN_RPS),
    backend: day(file, backendDay, BACKEND_MEAN_RPS),
  };
}

/** What the law may be tuned on: one weekday and one weekend workload per trace. */
export const TRAINING_WINDOWS: TraceWindows = {
  'nasa-weekday': pair('nasa', 4, 2), // Wed 5 / Mon 3 July 1995
  'nasa-weekend': pair('nasa', 7, 8), // Sat 8 / Sun 9 July
  'twitter-weekday': pair('twitter', 3, 1), // Wed 4 / Mon 2 August 2021
  'twitter-weekend': pair('twitter', 0, 0), // Sun 1 August (the only training weekend day)
};

/** What the tables report: the same shapes on test days. */
export const TEST_WINDOWS: TraceWindows = {
  'nasa-weekday': pair('nasa', 18, 16), // Wed 19 / Mon 17 July 1995
  'nasa-weekend': pair('nasa', 21, 22), // Sat 22 / Sun 23 July
  'twitter-weekday': pair('twitter', 9, 8), // Tue 10 / Mon 9 August 2021
  'twitter-weekend': pair('twitter', 6, 7), // Sat 7 / Sun 8 August
};

export type SplitName = 'training' | 'test';

/** Which side of the split a window lies on; `other` for files that are not split (users' own). */
export function splitOf(w: TraceWindow): SplitName | 'mixed' | 'other' {
  const split = Object.values(TRACE_SPLITS).find((s) => s.file === w.file);
  if (!split) return 'other';
  const first = Math.floor(w.startSeconds / DAY_SECONDS);
  const last = Math.floor((w.startSeconds + w.lengthSeconds - 1) / DAY_SECONDS);
  const inside = (r: DayRange) => first >= r.from && last <= r.to;
  if (inside(split.trainingDays)) return 'training';
  if (inside(split.testDays)) return 'test';
  return 'mixed';
}
