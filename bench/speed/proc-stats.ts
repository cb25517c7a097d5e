// CPU time and resident memory of another process from /proc (Linux), for measuring a child agent.
import { readFile } from 'node:fs/promises';

/** Kernel clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a /proc/<pid>/stat line, in clock ticks (the command may contain spaces and parens). */
export function cpuTicksOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm) ", fields[0] is state (field 3); utime and stime are fields 14 and 15
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS of a /proc/<pid>/status text, bytes; NaN when absent. */
export function rssBytesOfStatus(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export async function processCpuSeconds(pid: number): Promise<number> {
  return cpuTicksOfStat(await readFile(`/proc/${pid}/stat`, 'utf8')) / CLOCK_TICKS_PER_SECOND;
}

export async function processRssBytes(pid: number): Promise<number> {
  return rssBytesOfStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
}
