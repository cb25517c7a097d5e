// Pure parsers for cgroup interface files (cpu.stat, cpuacct.usage, memory.stat, *.pressure).
// Garbage or truncated content raises CgroupParseError; callers skip that cgroup for the tick.

export class CgroupParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CgroupParseError';
  }
}

const NUMBER = '-?\\d+(?:\\.\\d+)?';
const NUMBER_RE = new RegExp(`^${NUMBER}$`);
/** The same number, matched in place from lastIndex (sticky): no slice of the text is built. */
const NUMBER_AT = new RegExp(NUMBER, 'y');

/** `key` names the field in the error only (no string is built per value read). */
function parseNumber(raw: string, what: string, key?: string): number {
  if (!NUMBER_RE.test(raw))
    throw new CgroupParseError(
      `${key === undefined ? what : `${what} ${key}`}: not a number: ${JSON.stringify(raw)}`,
    );
  return Number(raw);
}

/** ASCII whitespace as /\s/ reads it in these files: space, tab, CR, VT, FF. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Whether text[start, stop) is a number as NUMBER_RE reads it, without slicing it out. */
function isNumberAt(text: string, start: number, stop: number): boolean {
  NUMBER_AT.lastIndex = start;
  return NUMBER_AT.test(text) && NUMBER_AT.lastIndex === stop;
}

/**
 * "key value" lines (cpu.stat, memory.stat) → map; every value must be numeric. One scan over the
 * text without splitting it; with `keys`, only those are taken (the others are checked in place,
 * nothing is built for them: a tick reads two of these files per pod, memory.stat has ~40 lines).
 */
export function parseFlatKeyed(text: string, what: string, keys?: readonly string[]): Map<string, number> {
  const values = new Map<string, number>();
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let start = at;
    let stop = end;
    at = end + 1;
    while (start < stop && isSpace(text.charCodeAt(start))) start++;
    while (stop > start && isSpace(text.charCodeAt(stop - 1))) stop--;
    if (start === stop) continue;
    let keyEnd = start;
    while (keyEnd < stop && !isSpace(text.charCodeAt(keyEnd))) keyEnd++;
    let valueStart = keyEnd;
    while (valueStart < stop && isSpace(text.charCodeAt(valueStart))) valueStart++;
    let valueEnd = valueStart;
    while (valueEnd < stop && !isSpace(text.charCodeAt(valueEnd))) valueEnd++;
    if (keyEnd === stop || valueEnd !== stop)
      throw new CgroupParseError(`${what}: malformed line ${JSON.stringify(text.slice(start, stop))}`);
    if (keys) {
      const key = keys.find((k) => k.length === keyEnd - start && text.startsWith(k, start));
      if (key === undefined && isNumberAt(text, valueStart, stop)) continue;
      const name = key ?? text.slice(start, keyEnd);
      values.set(name, parseNumber(text.slice(valueStart, stop), what, name));
      continue;
    }
    const key = text.slice(start, keyEnd);
    values.set(key, parseNumber(text.slice(valueStart, stop), what, key));
  }
  return values;
}

/** A file holding one number (cpuacct.usage, memory.current, memory.usage_in_bytes). */
export function parseSingleValue(text: string, what: string): number {
  const trimmed = text.trim();
  if (trimmed === '') throw new CgroupParseError(`${what}: empty`);
  return parseNumber(trimmed, what);
}

function required(values: Map<string, number>, key: string, what: string): number {
  const value = values.get(key);
  if (value === undefined) throw new CgroupParseError(`${what}: missing ${key}`);
  return value;
}

export interface CpuStat {
  /** Cumulative CPU time in microseconds (v2 usage_usec; undefined in v1, see cpuacct.usage). */
  usageUsec?: number;
  /** Enforcement periods elapsed and throttled; undefined when the cpu controller is off (v2). */
  nrPeriods?: number;
  nrThrottled?: number;
}

const CPU_STAT_KEYS = ['usage_usec', 'nr_periods', 'nr_throttled'] as const;

/** cpu.stat of either version; v2 requires usage_usec, v1 requires nr_periods/nr_throttled. */
export function parseCpuStat(text: string, version: 'v1' | 'v2'): CpuStat {
  const values = parseFlatKeyed(text, 'cpu.stat', CPU_STAT_KEYS);
  if (version === 'v2') {
    const usageUsec = required(values, 'usage_usec', 'cpu.stat');
    const nrPeriods = values.get('nr_periods');
    const nrThrottled = values.get('nr_throttled');
    if ((nrPeriods === undefined) !== (nrThrottled === undefined)) {
      throw new CgroupParseError('cpu.stat: nr_periods without nr_throttled (truncated?)');
    }
    return { usageUsec, nrPeriods, nrThrottled };
  }
  return {
    nrPeriods: required(values, 'nr_periods', 'cpu.stat'),
    nrThrottled: required(values, 'nr_throttled', 'cpu.stat'),
  };
}

const MEMORY_STAT_V2_KEYS = ['inactive_file'] as const;
const MEMORY_STAT_V1_KEYS = ['total_inactive_file'] as const;

/** memory.stat; v2 requires inactive_file, v1 total_inactive_file (hierarchical). */
export function parseMemoryStat(text: string, version: 'v1' | 'v2'): { inactiveFileBytes: number } {
  const keys = version === 'v2' ? MEMORY_STAT_V2_KEYS : MEMORY_STAT_V1_KEYS;
  const key = keys[0];
  const values = parseFlatKeyed(text, 'memory.stat', keys);
  return { inactiveFileBytes: required(values, key, 'memory.stat') };
}

/** Working set as the kubelet/cAdvisor define it: usage minus inactive file pages, floored at 0. */
export function workingSetBytes(usageBytes: number, inactiveFileBytes: number): number {
  return Math.max(0, usageBytes - inactiveFileBytes);
}

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in microseconds. */
  totalUsec: number;
}

export interface Pressure {
  some: PressureLine;
  full?: PressureLine;
}

/** The fields of one PSI line after its kind, scanned in place (a tick reads one file per pod). */
function pressureLine(text: string, start: number, stop: number): PressureLine {
  const found: Record<string, number | undefined> = {
    avg10: undefined,
    avg60: undefined,
    avg300: undefined,
    total: undefined,
  };
  let at = start;
  while (at < stop) {
    while (at < stop && isSpace(text.charCodeAt(at))) at++;
    if (at >= stop) break;
    let end = at;
    while (end < stop && !isSpace(text.charCodeAt(end))) end++;
    const eq = text.indexOf('=', at);
    if (eq < 0 || eq >= end)
      throw new CgroupParseError(`pressure: malformed field ${JSON.stringify(text.slice(at, end))}`);
    const name = text.slice(at, eq);
    const value = parseNumber(text.slice(eq + 1, end), 'pressure', name);
    if (name in found) found[name] = value;
    at = end;
  }
  const field = (name: string) => {
    const value = found[name];
    if (value === undefined) throw new CgroupParseError(`pressure: missing ${name}`);
    return value;
  };
  return { avg10: field('avg10'), avg60: field('avg60'), avg300: field('avg300'), totalUsec: field('total') };
}

/** PSI file: `some avg10=0.00 avg60=0.00 avg300=0.00 total=0` (+ optional `full` line). */
export function parsePressure(text: string): Pressure {
  let some: PressureLine | undefined;
  let full: PressureLine | undefined;
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    let start = at;
    at = end + 1;
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    if (start === end) continue;
    let kindEnd = start;
    while (kindEnd < end && !isSpace(text.charCodeAt(kindEnd))) kindEnd++;
    const line = pressureLine(text, kindEnd, end);
    const kind = text.slice(start, kindEnd);
    if (kind === 'some') some = line;
    else if (kind === 'full') full = line;
  }
  if (!some) throw new CgroupParseError('pressure: missing some line');
  return full ? { some, full } : { some };
}
