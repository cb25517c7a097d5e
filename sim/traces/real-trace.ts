// Real per-second request-count traces (gzip, one integer per line), read in place from the shared
// traces folder: streamed, parsed only up to the window asked for, cached in memory per file.
import { createReadStream, existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { readRateFile } from './rate-file.ts';
import { sampledTrace, type Trace } from './trace.ts';

/** Short names of the traces shipped in the shared folder. */
export const TRACE_FILES: Readonly<Record<string, string>> = {
  nasa: 'nasa-http-1995.rps.gz',
  twitter: 'twitter-stream-2021-08.rps.gz',
};

export type Rescale = { peakRps: number } | { meanRps: number } | { factor: number };

export interface RealTraceOptions {
  /** Offset of the window into the file, in real seconds (default 0). */
  startSeconds?: number;
  /** Window length in real seconds (default: to the end of the file). */
  lengthSeconds?: number;
  /** k real seconds become one simulated second (default 1). */
  compression?: number;
  /** How k real seconds become one: `sum` keeps every request (k× the rate), `mean` keeps the rate. */
  aggregate?: 'sum' | 'mean';
  rescale?: Rescale;
  /** Folder of the trace files (default: $KOSMOS_TRACES_DIR, else ../shared/traces beside the repo). */
  dir?: string;
}

export class TraceError extends Error {
  override name = 'TraceError';
}

/** The traces folder: the explicit one, $KOSMOS_TRACES_DIR, else <repo>/../shared/traces. */
export function tracesDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const fromEnv = process.env['KOSMOS_TRACES_DIR'];
  if (fromEnv) return resolve(fromEnv);
  return resolve(import.meta.dirname, '..', '..', '..', 'shared', 'traces');
}

/** A short name (nasa, twitter), a file name inside the traces folder, or a path. */
export function resolveTracePath(file: string, dir?: string): string {
  const named = TRACE_FILES[file];
  if (named) return join(tracesDir(dir), named);
  if (isAbsolute(file)) return file;
  const inDir = join(tracesDir(dir), file);
  if (existsSync(inDir)) return inDir;
  return resolve(file);
}

interface Parsed {
  values: Uint32Array;
  length: number;
  complete: boolean;
}

const cache = new Map<string, Parsed>();

/** Reads per-second counts [0, end) of a gzip trace (all of it when end is Infinity). */
export async function readCounts(path: string, end = Number.POSITIVE_INFINITY): Promise<Uint32Array> {
  const hit = cache.get(path);
  if (hit && (hit.complete || hit.length >= end)) return hit.values.subarray(0, Math.min(hit.length, end));
  if (!existsSync(path)) {
    throw new TraceError(`trace file ${path} does not exist (set KOSMOS_TRACES_DIR or give a path)`);
  }
  let values: Uint32Array = new Uint32Array(Number.isFinite(end) ? Math.max(16, end) : 1 << 20);
  let length = 0;
  let current = 0;
  let inNumber = false;
  let complete = true;
  const gunzip = createGunzip();
  const stream = createReadStream(path).pipe(gunzip);
  try {
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte >= 48 && byte <= 57) {
          current = current * 10 + (byte - 48);
          inNumber = true;
        } else if (byte === 10) {
          if (length === values.length) values = grow(values);
          values[length++] = current;
          current = 0;
          inNumber = false;
          if (length >= end) {
            complete = false;
            break outer;
          }
        } else if (byte !== 13 && byte !== 32) {
          throw new TraceError(`trace file ${path}: unexpected byte ${byte} at line ${length + 1}`);
        }
      }
    }
  } finally {
    stream.destroy();
  }
  if (complete && inNumber) {
    if (length === values.length) values = grow(values);
    values[length++] = current;
  }
  cache.set(path, { values, length, complete });
  return values.subarray(0, Math.min(length, end));
}

function grow(values: Uint32Array): Uint32Array {
  const next = new Uint32Array(values.length * 2);
  next.set(values);
  return next;
}

/** Aggregates counts into per-simulated-second rates: k real seconds per simulated second. */
export function compress(counts: ArrayLike<number>, k: number, aggregate: 'sum' | 'mean'): Float64Array {
  if (!(k > 0)) throw new TraceError(`compression must be > 0, got ${k}`);
  const n = Math.floor(counts.length / k);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Fractional k: each simulated second covers real seconds [j·k, (j+1)·k), partial seconds prorated.
    const from = j * k;
    const to = from + k;
    let sum = 0;
    for (let s = Math.floor(from); s < Math.ceil(to); s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      sum += counts[s]! * overlap;
    }
    out[j] = aggregate === 'sum' ? sum : sum / k;
  }
  return out;
}

/** Multiplies a series in place so its peak, its mean, or its scale match the target. */
export function rescale(rps: Float64Array, how: Rescale): Float64Array {
  let factor: number;
  if ('factor' in how) factor = how.factor;
  else {
    let peak = 0;
    let sum = 0;
    for (const v of rps) {
      if (v > peak) peak = v;
      sum += v;
    }
    const current = 'peakRps' in how ? peak : sum / Math.max(rps.length, 1);
    factor = current > 0 ? ('peakRps' in how ? how.peakRps : how.meanRps) / current : 0;
  }
  for (let i = 0; i < rps.length; i++) rps[i]! *= factor;
  return rps;
}

/** Loads a window of a real trace, compressed and rescaled, as a Trace of simulated seconds. */
export async function loadRealTrace(file: string, options: RealTraceOptions = {}): Promise<Trace> {
  const path = resolveTracePath(file, options.dir);
  const start = options.startSeconds ?? 0;
  const k = options.compression ?? 1;
  const aggregate = options.aggregate ?? 'mean';
  const end = options.lengthSeconds === undefined ? Number.POSITIVE_INFINITY : start + options.lengthSeconds;
  // Shipped traces stream only up to the window; any other file (plain, CSV, gzipped or not) is read whole.
  const shipped = Object.values(TRACE_FILES).some((f) => path === join(tracesDir(options.dir), f));
  const counts = shipped ? await readCounts(path, end) : sliceTo(readRateFile(path), end);
  if (start >= counts.length) {
    throw new TraceError(`trace ${file}: window starts at ${start}s but the file has ${counts.length}s`);
  }
  let rps = compress(counts.subarray(start), k, aggregate);
  if (options.rescale) rps = rescale(rps, options.rescale);
  const label =
    `${file} [${start}s, ${counts.length}s) compression ${k} (${aggregate})` +
    (options.rescale ? ` rescale ${JSON.stringify(options.rescale)}` : '');
  return sampledTrace(label, rps);
}

function sliceTo(rates: Float64Array, end: number): Float64Array {
  return Number.isFinite(end) ? rates.subarray(0, Math.min(rates.length, end)) : rates;
}
