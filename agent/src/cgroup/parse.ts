// Pure parsers for cgroup interface files (cpu.stat, cpuacct.usage, memory.stat, *.pressure).
// Garbage or truncated content raises CgroupParseError; callers skip that cgroup for the tick.

export class CgroupParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CgroupParseError';
  }
}

function parseNumber(raw: string, what: string): number {
  if (!/^-?\d+(\.\d+)?$/.test(raw))
    throw new CgroupParseError(`${what}: not a number: ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** "key value" lines (cpu.stat, memory.stat) → map; every value must be numeric. */
export function parseFlatKeyed(text: string, what: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const parts = trimmed.split(/\s+/);
    if (parts.length !== 2) throw new CgroupParseError(`${what}: malformed line ${JSON.stringify(trimmed)}`);
    values.set(parts[0] as string, parseNumber(parts[1] as string, `${what} ${parts[0]}`));
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
