// Trace windows of the benchmark's real-traffic workloads, and the --trace-windows file that replaces
// them with a user's own traffic: workload name → { frontend: window, backend: window }.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { readRateFile } from '../../sim/traces/rate-file.ts';
import { readCounts, resolveTracePath, TRACE_FILES } from '../../sim/traces/real-trace.ts';

/** A window of a per-second rate file (real seconds from the file's start), compressed and rescaled. */
export type TraceWindow = {
  /** A shipped trace's short name (nasa, twitter), or a path to a per-second rate file. */
  file: string;
  startSeconds: number;
  lengthSeconds: number;
  /** k real seconds become one simulated second (their mean rate). */
  compression: number;
  /** The window is rescaled to this mean rate (rps). */
  meanRps: number;
};

export type TraceWorkload = { frontend: TraceWindow; backend: TraceWindow };
export type TraceWindows = Record<string, TraceWorkload>;

export class TraceWindowsError extends Error {
  override name = 'TraceWindowsError';
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FIELDS = ['file', 'startSeconds', 'lengthSeconds', 'compression', 'meanRps'] as const;

/** Simulated seconds a window lasts: its length over its compression. */
export function windowSimulatedSeconds(w: TraceWindow): number {
  return Math.round(w.lengthSeconds / w.compression);
}

/**
 * Parses and checks a trace-windows document (the shape of `traceWindows` in quality.json). File
 * paths that are not shipped short names are resolved against `baseDir` (the JSON file's folder).
 * Errors name the workload and field and say what is expected.
 */
export function parseTraceWindows(text: string, source: string, baseDir: string): TraceWindows {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TraceWindowsError(`${source}: not JSON (${(err as Error).message})`);
  }
  const example =
    '{"my-service": {"frontend": {"file": "rps.csv", "startSeconds": 0, "lengthSeconds": 86400, "compression": 12, "meanRps": 50}, "backend": {…}}}';
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new TraceWindowsError(`${source}: expected an object of workloads, e.g. ${example}`);
  }
  const entries = Object.entries(doc);
  if (entries.length === 0) throw new TraceWindowsError(`${source}: no workloads (e.g. ${example})`);
  const out: TraceWindows = {};
  for (const [name, value] of entries) {
    if (!NAME.test(name)) {
      throw new TraceWindowsError(
        `${source}: workload name "${name}" must be lower-case letters, digits and dashes (it names result files)`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TraceWindowsError(`${source}: workload "${name}" must be {"frontend": {…}, "backend": {…}}`);
    }
    const v = value as Record<string, unknown>;
    for (const key of Object.keys(v)) {
      if (key !== 'frontend' && key !== 'backend')
        throw new TraceWindowsError(
          `${source}: workload "${name}": unknown service "${key}" (frontend, backend)`,
        );
    }
    out[name] = {
      frontend: parseWindow(v['frontend'], `${source}: ${name}.frontend`, baseDir),
      backend: parseWindow(v['backend'], `${source}: ${name}.backend`, baseDir),
    };
  }
  return out;
}

function parseWindow(value: unknown, where: string, baseDir: string): TraceWindow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TraceWindowsError(`${where} is missing: give {${FIELDS.join(', ')}}`);
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!(FIELDS as readonly string[]).includes(key))
      throw new TraceWindowsError(`${where}: unknown field "${key}" (fields: ${FIELDS.join(', ')})`);
  }
  const file = v['file'];
  if (typeof file !== 'string' || file.trim() === '')
    throw new TraceWindowsError(`${where}.file must be a path to a per-second rate file (or nasa, twitter)`);
  const num = (key: (typeof FIELDS)[number], ok: (n: number) => boolean, what: string): number => {
    const n = v[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || !ok(n))
      throw new TraceWindowsError(`${where}.${key} must be ${what}, got ${JSON.stringify(n)}`);
    return n;
  };
  const window: TraceWindow = {
    file: file in TRACE_FILES || isAbsolute(file) ? file : resolve(baseDir, file),
    startSeconds: num(
      'startSeconds',
      (n) => Number.isInteger(n) && n >= 0,
      'a non-negative integer (real seconds)',
    ),
    lengthSeconds: num(
      'lengthSeconds',
      (n) => Number.isInteger(n) && n > 0,
      'a positive integer (real seconds)',
    ),
    compression: num('compression', (n) => n > 0, 'a positive number (real seconds per simulated second)'),
    meanRps: num('meanRps', (n) => n > 0, 'a positive number (the mean rate to rescale to)'),
  };
  if (windowSimulatedSeconds(window) < 60) {
    throw new TraceWindowsError(
      `${where}: lengthSeconds / compression = ${window.lengthSeconds / window.compression} simulated s; give at least 60`,
    );
  }
  return window;
}

/** Reads a --trace-windows file (relative paths inside resolve against its folder). */
export function readTraceWindowsFile(path: string): TraceWindows {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TraceWindowsError(`--trace-windows ${path}: cannot read (${(err as Error).message})`);
  }
  return parseTraceWindows(text, path, dirname(resolve(path)));
}

/** Per-second rates of a window's file (shipped or a user's), whole. */
export async function windowFileRates(w: TraceWindow): Promise<ArrayLike<number>> {
  const path = resolveTracePath(w.file);
  return w.file in TRACE_FILES ? await readCounts(path) : readRateFile(path);
}

/** Checks every window's file parses and holds the window; throws with what to fix. */
export async function checkTraceWindowFiles(windows: TraceWindows): Promise<void> {
  for (const [name, workload] of Object.entries(windows)) {
    for (const service of ['frontend', 'backend'] as const) {
      const w = workload[service];
      let rates: ArrayLike<number>;
      try {
        rates = await windowFileRates(w);
      } catch (err) {
        throw new TraceWindowsError(`${name}.${service}: ${(err as Error).message}`);
      }
      if (w.startSeconds + w.lengthSeconds > rates.length) {
        throw new TraceWindowsError(
          `${name}.${service}: window [${w.startSeconds}, ${w.startSeconds + w.lengthSeconds}) s is past the end of ${w.file} (${rates.length} s); shorten lengthSeconds or move startSeconds`,
        );
      }
      let sum = 0;
      for (let i = w.startSeconds; i < w.startSeconds + w.lengthSeconds; i++) sum += rates[i]!;
      if (!(sum > 0)) throw new TraceWindowsError(`${name}.${service}: the window has no requests at all`);
    }
  }
}
