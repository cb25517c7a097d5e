// Per-second request-rate files as users bring them: one non-negative integer per line (the shipped
// traces' format), or CSV with an `rps` column; plain or gzipped (detected by the gzip magic bytes).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export class RateFileError extends Error {
  override name = 'RateFileError';
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Parses a rate file's text into per-second rates. The first non-empty line decides the format: a
 * number means one value per line (non-negative integers), anything else is a CSV header that must
 * name an `rps` column (non-negative numbers). Blank lines are skipped; errors name the line.
 */
export function parseRates(text: string, source: string): Float64Array {
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first === lines.length) throw new RateFileError(`${source}: no rates (the file is empty)`);
  const header = lines[first]!.trim();
  const csv = !/^[0-9]/.test(header);
  let column = 0;
  let delimiter = ',';
  let from = first;
  if (csv) {
    delimiter = header.includes(';') && !header.includes(',') ? ';' : ',';
    const names = header.split(delimiter).map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
    column = names.indexOf('rps');
    if (column < 0) {
      throw new RateFileError(
        `${source}: line ${first + 1} is a CSV header without an "rps" column (columns: ${names.join(', ')}); ` +
          'give one non-negative integer per line, or a CSV with an "rps" column',
      );
    }
    from = first + 1;
  }
  const out = new Float64Array(lines.length - from);
  let n = 0;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const cell = csv ? line.split(delimiter)[column]?.trim().replace(/^"|"$/g, '') : line;
    const value = cell === undefined || cell === '' ? Number.NaN : Number(cell);
    const ok = csv ? Number.isFinite(value) && value >= 0 : Number.isInteger(value) && value >= 0;
    if (!ok) {
      const what = csv ? `"rps" value ${JSON.stringify(cell ?? '')}` : JSON.stringify(line);
      throw new RateFileError(
        `${source}: line ${i + 1}: ${what} is not a non-negative ${csv ? 'number' : 'integer'} (requests in that second)`,
      );
    }
    out[n++] = value;
  }
  if (n === 0) throw new RateFileError(`${source}: no rates after the header`);
  return out.subarray(0, n);
}

const cache = new Map<string, { mtimeMs: number; rates: Float64Array }>();

/** Reads and parses a rate file (plain or gzipped); cached per path while the file is unchanged. */
export function readRateFile(path: string): Float64Array {
  if (!existsSync(path))
    throw new RateFileError(`trace file ${path} does not exist (give a path to a per-second rate file)`);
  const mtimeMs = statSync(path).mtimeMs;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.rates;
  let bytes: Buffer = readFileSync(path);
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new RateFileError(`rate file ${path} looks gzipped but does not decompress: ${String(err)}`);
    }
  }
  const rates = parseRates(bytes.toString('utf8'), path);
  cache.set(path, { mtimeMs, rates });
  return rates;
}
