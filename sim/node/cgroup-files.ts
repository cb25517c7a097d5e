// Renders a simulated cgroup's state as the kernel's interface files (v2 and v1 names and units),
// so the agent's real reader parses exactly what a node would show.

export const CFS_PERIOD_USEC = 100_000;

/** Cumulative counters and gauges of one cgroup, in the kernel's units. */
export interface CgroupCounters {
  usageUsec: number;
  userUsec: number;
  systemUsec: number;
  nrPeriods: number;
  nrThrottled: number;
  throttledUsec: number;
  memoryBytes: number;
  pageCacheBytes: number;
  psiSomeAvg10: number;
  psiSomeAvg60: number;
  psiSomeAvg300: number;
  psiSomeTotalUsec: number;
  /** undefined = unlimited */
  cpuLimitMilli?: number;
  memoryLimitBytes?: number;
}

export function zeroCounters(): CgroupCounters {
  return {
    usageUsec: 0,
    userUsec: 0,
    systemUsec: 0,
    nrPeriods: 0,
    nrThrottled: 0,
    throttledUsec: 0,
    memoryBytes: 0,
    pageCacheBytes: 0,
    psiSomeAvg10: 0,
    psiSomeAvg60: 0,
    psiSomeAvg300: 0,
    psiSomeTotalUsec: 0,
  };
}

const int = (value: number) => String(Math.round(value));
const lines = (entries: [string, number][]) => `${entries.map(([k, v]) => `${k} ${int(v)}`).join('\n')}\n`;
const V1_UNLIMITED_BYTES = 9223372036854771712n;
const USER_HZ = 100;

function memoryStatV2(c: CgroupCounters): string {
  return lines([
    ['anon', c.memoryBytes],
    ['file', c.pageCacheBytes],
    ['kernel', 0],
    ['shmem', 0],
    ['active_anon', c.memoryBytes],
    ['inactive_anon', 0],
    ['active_file', 0],
    ['inactive_file', c.pageCacheBytes],
    ['unevictable', 0],
    ['pgfault', 0],
    ['pgmajfault', 0],
  ]);
}

function memoryStatV1(c: CgroupCounters): string {
  const own: [string, number][] = [
    ['cache', c.pageCacheBytes],
    ['rss', c.memoryBytes],
    ['mapped_file', 0],
    ['inactive_anon', 0],
    ['active_anon', c.memoryBytes],
    ['inactive_file', c.pageCacheBytes],
    ['active_file', 0],
    ['unevictable', 0],
  ];
  const total = own.map(([k, v]) => [`total_${k}`, v] as [string, number]);
  const limit =
    c.memoryLimitBytes === undefined ? V1_UNLIMITED_BYTES : BigInt(Math.round(c.memoryLimitBytes));
  return `${lines(own)}hierarchical_memory_limit ${limit}\n${lines(total)}`;
}

function pressure(c: CgroupCounters): string {
  const f = (v: number) => v.toFixed(2);
  const some = `avg10=${f(c.psiSomeAvg10)} avg60=${f(c.psiSomeAvg60)} avg300=${f(c.psiSomeAvg300)}`;
  return `some ${some} total=${int(c.psiSomeTotalUsec)}\nfull ${some} total=${int(c.psiSomeTotalUsec)}\n`;
}

/** v2 files of one cgroup directory: name → content. */
export function filesV2(c: CgroupCounters): Record<string, string> {
  const quota = c.cpuLimitMilli === undefined ? 'max' : int((c.cpuLimitMilli * CFS_PERIOD_USEC) / 1000);
  return {
    'cpu.stat': lines([
      ['usage_usec', c.usageUsec],
      ['user_usec', c.userUsec],
      ['system_usec', c.systemUsec],
      ['nice_usec', 0],
      ['nr_periods', c.nrPeriods],
      ['nr_throttled', c.nrThrottled],
      ['throttled_usec', c.throttledUsec],
      ['nr_bursts', 0],
      ['burst_usec', 0],
    ]),
    'cpu.max': `${quota} ${CFS_PERIOD_USEC}\n`,
    'memory.current': `${int(c.memoryBytes + c.pageCacheBytes)}\n`,
    'memory.max': c.memoryLimitBytes === undefined ? 'max\n' : `${int(c.memoryLimitBytes)}\n`,
    'memory.stat': memoryStatV2(c),
    'cpu.pressure': pressure(c),
  };
}

/** v1 files of one cgroup directory, grouped by hierarchy. */
export function filesV1(c: CgroupCounters): { cpu: Record<string, string>; memory: Record<string, string> } {
  const quota = c.cpuLimitMilli === undefined ? '-1' : int((c.cpuLimitMilli * CFS_PERIOD_USEC) / 1000);
  const ticks = (usec: number) => (usec / 1e6) * USER_HZ;
  return {
    cpu: {
      'cpuacct.usage': `${int(c.usageUsec * 1000)}\n`,
      'cpuacct.stat': lines([
        ['user', ticks(c.userUsec)],
        ['system', ticks(c.systemUsec)],
      ]),
      'cpu.stat': lines([
        ['nr_periods', c.nrPeriods],
        ['nr_throttled', c.nrThrottled],
        ['throttled_time', c.throttledUsec * 1000],
        ['nr_bursts', 0],
        ['burst_time', 0],
      ]),
      'cpu.cfs_quota_us': `${quota}\n`,
      'cpu.cfs_period_us': `${CFS_PERIOD_USEC}\n`,
    },
    memory: {
      'memory.usage_in_bytes': `${int(c.memoryBytes + c.pageCacheBytes)}\n`,
      'memory.limit_in_bytes': `${c.memoryLimitBytes === undefined ? V1_UNLIMITED_BYTES : int(c.memoryLimitBytes)}\n`,
      'memory.stat': memoryStatV1(c),
    },
  };
}

/** The pod cgroup aggregates its containers; its limit exists only when every container has one. */
export function sumCounters(all: readonly CgroupCounters[]): CgroupCounters {
  const total = zeroCounters();
  let cpuLimitMilli: number | undefined = 0;
  let memoryLimitBytes: number | undefined = 0;
  for (const c of all) {
    total.usageUsec += c.usageUsec;
    total.userUsec += c.userUsec;
    total.systemUsec += c.systemUsec;
    total.nrPeriods += c.nrPeriods;
    total.nrThrottled += c.nrThrottled;
    total.throttledUsec += c.throttledUsec;
    total.memoryBytes += c.memoryBytes;
    total.pageCacheBytes += c.pageCacheBytes;
    total.psiSomeTotalUsec += c.psiSomeTotalUsec;
    total.psiSomeAvg10 = Math.max(total.psiSomeAvg10, c.psiSomeAvg10);
    total.psiSomeAvg60 = Math.max(total.psiSomeAvg60, c.psiSomeAvg60);
    total.psiSomeAvg300 = Math.max(total.psiSomeAvg300, c.psiSomeAvg300);
    cpuLimitMilli =
      cpuLimitMilli === undefined || c.cpuLimitMilli === undefined
        ? undefined
        : cpuLimitMilli + c.cpuLimitMilli;
    memoryLimitBytes =
      memoryLimitBytes === undefined || c.memoryLimitBytes === undefined
        ? undefined
        : memoryLimitBytes + c.memoryLimitBytes;
  }
  if (all.length > 0) {
    total.cpuLimitMilli = cpuLimitMilli;
    total.memoryLimitBytes = memoryLimitBytes;
  }
  return total;
}
