// Pure parsers for cgroup interface files (cpu.stat, cpuacct.usage, memory.stat, *.pressure).
// Garbage or truncated content raises CgroupParseError; callers skip that cgroup for the tick.

export class CgroupParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CgroupParseError';
  }
}

const NUMBER_RE = /^-?\d+(\.\d+)?$/;

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

/**
 * "key value" lines (cpu.stat, memory.stat) → map; every value must be numeric. One scan over the
 * text without splitting it (a tick reads two of these per pod).
 */
export function parseFlatKeyed(text: string, what: string): Map<string, number> {
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

/** cpu.stat of either version; v2 requires usage_usec, v1 requires nr_periods/nr_throttled. */
export function parseCpuStat(text: string, version: 'v1' | 'v2'): CpuStat {
  const values = parseFlatKeyed(text, 'cpu.stat');
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

/** memory.stat; v2 requires inactive_file, v1 total_inactive_file (hierarchical). */
export function parseMemoryStat(text: string, version: 'v1' | 'v2'): { inactiveFileBytes: number } {
  const values = parseFlatKeyed(text, 'memory.stat');
  const key = version === 'v2' ? 'inactive_file' : 'total_inactive_file';
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

/** PSI file: `some avg10=0.00 avg60=0.00 avg300=0.00 total=0` (+ optional `full` line). */
export function parsePressure(text: string): Pressure {
  const lines = new Map<string, PressureLine>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const [kind, ...fields] = trimmed.split(/\s+/);
    const values = new Map<string, number>();
    for (const field of fields) {
      const eq = field.indexOf('=');
      if (eq < 0) throw new CgroupParseError(`pressure: malformed field ${JSON.stringify(field)}`);
      values.set(field.slice(0, eq), parseNumber(field.slice(eq + 1), `pressure ${field}`));
    }
    lines.set(kind as string, {
      avg10: required(values, 'avg10', 'pressure'),
      avg60: required(values, 'avg60', 'pressure'),
      avg300: required(values, 'avg300', 'pressure'),
      totalUsec: required(values, 'total', 'pressure'),
    });
  }
  const some = lines.get('some');
  if (!some) throw new CgroupParseError('pressure: missing some line');
  const full = lines.get('full');
  return full ? { some, full } : { some };
}
