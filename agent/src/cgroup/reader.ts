// The agent's UsageReader over the cgroup file system: per pod/container CPU rate, throttling,
// memory working set and CPU pressure, as deltas between two ticks (the first tick only primes).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../../lib/log.ts';
import {
  type CgroupLayout,
  type Controller,
  cgroupFile,
  containerCgroupDir,
  isContainerDirName,
  parseContainerId,
  podCgroupDir,
  type QosClass,
} from './layout.ts';
import { OpenCgroupFiles } from './open-files.ts';
import {
  CgroupParseError,
  parseCpuStat,
  parseMemoryStat,
  parsePressure,
  parseSingleValue,
  workingSetBytes,
} from './parse.ts';

export interface UsageTarget {
  /** Caller's key for the result (e.g. `<podUid>/<container>`). */
  key: string;
  uid: string;
  qosClass: QosClass;
  /** Pod status containerID (`containerd://…`); absent = the pod-level cgroup. */
  containerId?: string;
}

export interface Usage {
  cpuUsageMilli: number;
  /** Δnr_throttled / Δnr_periods, 0 when no period elapsed or there is no cpu controller. */
  throttledRatio: number;
  /** Absent when the hierarchy has no memory controller. */
  memoryWorkingSetBytes?: number;
  /** PSI cpu "some" avg10 (percent), when the kernel exposes it. */
  psiSomeAvg10?: number;
  windowSeconds: number;
}

export type UsageResult =
  | { key: string; status: 'ok'; usage: Usage }
  | { key: string; status: 'priming'; memoryWorkingSetBytes?: number }
  | { key: string; status: 'skipped'; reason: string };

/** Edge interface: what the agent's tick needs from the node's cgroups. */
export interface UsageReader {
  sample(targets: readonly UsageTarget[], nowMs: number): Promise<UsageResult[]>;
}

interface RawSample {
  relDir: string;
  usageUsec: number;
  nrPeriods: number;
  nrThrottled: number;
  memoryWorkingSetBytes?: number;
  psiSomeAvg10?: number;
  atMs: number;
}

export interface CgroupReaderOptions {
  layout: CgroupLayout;
  logger: Logger;
  /** Cgroups read at once (default 16). */
  concurrency?: number;
}

const VANISHED_CODES = new Set(['ENOENT', 'ENODEV', 'ESRCH', 'ENOTDIR']);

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

export function createCgroupReader(options: CgroupReaderOptions): UsageReader {
  const { layout, logger } = options;
  const concurrency = options.concurrency ?? 16;
  const previous = new Map<string, RawSample>();
  const resolvedDirs = new Map<string, string>();

  // kept-open descriptors, one pread per file per tick (440 async readFiles cost ~15× more at 110 pods)
  const files = new OpenCgroupFiles();
  const read = async (controller: Controller, relDir: string, file: string) =>
    files.read(relDir, cgroupFile(layout, controller, relDir, file));

  async function findContainerDir(
    target: UsageTarget & { containerId: string },
  ): Promise<string | undefined> {
    const podDir = podCgroupDir(layout, target);
    const { id } = parseContainerId(target.containerId);
    const entries = await readdir(path.join(layout.hierarchies.cpu, podDir)).catch(() => [] as string[]);
    const entry = entries.find((name) => isContainerDirName(name, id));
    return entry === undefined ? undefined : path.posix.join(podDir, entry);
  }

  async function readRaw(relDir: string, atMs: number): Promise<RawSample> {
    let usageUsec: number;
    let nrPeriods = 0;
    let nrThrottled = 0;
    let memoryWorkingSetBytes: number | undefined;
    if (layout.version === 'v2') {
      const stat = parseCpuStat(await read('cpu', relDir, 'cpu.stat'), 'v2');
      usageUsec = stat.usageUsec ?? 0;
      nrPeriods = stat.nrPeriods ?? 0;
      nrThrottled = stat.nrThrottled ?? 0;
      if (layout.features.memory) {
        const [current, stat] = await Promise.all([
          read('memory', relDir, 'memory.current'),
          read('memory', relDir, 'memory.stat'),
        ]);
        memoryWorkingSetBytes = workingSetBytes(
          parseSingleValue(current, 'memory.current'),
          parseMemoryStat(stat, 'v2').inactiveFileBytes,
        );
      }
    } else {
      usageUsec = parseSingleValue(await read('cpuacct', relDir, 'cpuacct.usage'), 'cpuacct.usage') / 1000;
      if (layout.features.cpuThrottling) {
        const stat = parseCpuStat(await read('cpu', relDir, 'cpu.stat'), 'v1');
        nrPeriods = stat.nrPeriods ?? 0;
        nrThrottled = stat.nrThrottled ?? 0;
      }
      if (layout.features.memory) {
        const [usage, stat] = await Promise.all([
          read('memory', relDir, 'memory.usage_in_bytes'),
          read('memory', relDir, 'memory.stat'),
        ]);
        memoryWorkingSetBytes = workingSetBytes(
          parseSingleValue(usage, 'memory.usage_in_bytes'),
          parseMemoryStat(stat, 'v1').inactiveFileBytes,
        );
      }
    }
    let psiSomeAvg10: number | undefined;
    if (layout.hierarchies.pressure !== undefined) {
      // PSI is optional: a kernel booted with psi=0 has the file but refuses to read it
      const text = await read('pressure', relDir, 'cpu.pressure').catch(() => undefined);
      if (text !== undefined) psiSomeAvg10 = parsePressure(text).some.avg10;
    }
    return { relDir, usageUsec, nrPeriods, nrThrottled, memoryWorkingSetBytes, psiSomeAvg10, atMs };
  }

  async function sampleOne(target: UsageTarget, nowMs: number): Promise<UsageResult> {
    const { key } = target;
    const relDir = target.containerId
      ? (resolvedDirs.get(target.containerId) ??
        containerCgroupDir(layout, { ...target, containerId: target.containerId }))
      : podCgroupDir(layout, target);
    let raw: RawSample;
    try {
      raw = await readRaw(relDir, nowMs);
    } catch (err) {
      if (
        target.containerId &&
        VANISHED_CODES.has(errorCode(err) ?? '') &&
        !resolvedDirs.has(target.containerId)
      ) {
        // the runtime named the directory differently than its id prefix suggests: look once
        const found = await findContainerDir({ ...target, containerId: target.containerId });
        if (found !== undefined && found !== relDir) {
          resolvedDirs.set(target.containerId, found);
          return sampleOne(target, nowMs);
        }
      }
      previous.delete(key);
      const code = errorCode(err);
      const reason =
        err instanceof CgroupParseError
          ? `garbage: ${err.message}`
          : VANISHED_CODES.has(code ?? '')
            ? `cgroup vanished (${code})`
            : `read failed: ${(err as Error).message}`;
      const level = err instanceof CgroupParseError || VANISHED_CODES.has(code ?? '') ? 'debug' : 'warn';
      logger[level]({ key, uid: target.uid, cgroup: relDir, reason }, 'cgroup skipped this tick');
      return { key, status: 'skipped', reason };
    }
    const prev = previous.get(key);
    previous.set(key, raw);
    const primed = { key, status: 'priming', memoryWorkingSetBytes: raw.memoryWorkingSetBytes } as const;
    if (!prev || prev.relDir !== raw.relDir) return primed;
    const elapsedMs = raw.atMs - prev.atMs;
    const usageDeltaUsec = raw.usageUsec - prev.usageUsec;
    const periods = raw.nrPeriods - prev.nrPeriods;
    const throttled = raw.nrThrottled - prev.nrThrottled;
    if (elapsedMs <= 0 || usageDeltaUsec < 0 || periods < 0 || throttled < 0) {
      // counters went backwards: the cgroup was recreated under the same name; start over
      logger.debug({ key, elapsedMs, usageDeltaUsec, periods }, 'cgroup counters reset, re-priming');
      return primed;
    }
    const usage: Usage = {
      cpuUsageMilli: usageDeltaUsec / elapsedMs,
      throttledRatio: periods > 0 ? Math.min(1, throttled / periods) : 0,
      windowSeconds: elapsedMs / 1000,
    };
    if (raw.memoryWorkingSetBytes !== undefined) usage.memoryWorkingSetBytes = raw.memoryWorkingSetBytes;
    if (raw.psiSomeAvg10 !== undefined) usage.psiSomeAvg10 = raw.psiSomeAvg10;
    return { key, status: 'ok', usage };
  }

  return {
    async sample(targets, nowMs) {
      const startedMs = performance.now();
      const results: UsageResult[] = new Array(targets.length);
      let next = 0;
      const worker = async () => {
        while (next < targets.length) {
          const index = next++;
          results[index] = await sampleOne(targets[index] as UsageTarget, nowMs);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
      const live = new Set(targets.map((t) => t.key));
      for (const key of previous.keys()) if (!live.has(key)) previous.delete(key);
      const liveDirs = new Set<string>();
      for (const p of previous.values()) liveDirs.add(p.relDir);
      files.keepOnly(liveDirs);
      const liveIds = new Set(targets.map((t) => t.containerId));
      for (const id of resolvedDirs.keys()) if (!liveIds.has(id)) resolvedDirs.delete(id);
      const skipped = results.filter((r) => r.status === 'skipped').length;
      logger.debug(
        { cgroups: targets.length, skipped, elapsedMs: Math.round(performance.now() - startedMs) },
        'cgroups sampled',
      );
      return results;
    },
  };
}
