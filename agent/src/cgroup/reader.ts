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
import { isKernelCgroupFs, OpenCgroupFiles } from './open-files.ts';
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
  /** The kept-open descriptors (default: its own, checking for replaced files off a kernel cgroup fs). */
  files?: OpenCgroupFiles;
}

const VANISHED_CODES = new Set(['ENOENT', 'ENODEV', 'ESRCH', 'ENOTDIR']);

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

export function createCgroupReader(options: CgroupReaderOptions): UsageReader {
  const { layout, logger } = options;
  const previous = new Map<string, RawSample>();
  const resolvedDirs = new Map<string, string>();

  // kept-open descriptors, one pread per file per tick (440 async readFiles cost ~15× more at 110
  // pods); reads are synchronous: each is a few microseconds on a kernel cgroup file
  const roots = [layout.hierarchies.cpu, layout.hierarchies.cpuacct, layout.hierarchies.memory];
  const files =
    options.files ?? new OpenCgroupFiles({ replaceable: !roots.every((root) => isKernelCgroupFs(root)) });
  // each directory's paths joined once, not 440 path joins a tick at 110 pods (a file name belongs
  // to one controller: cpu.stat, cpuacct.usage, memory.*, cpu.pressure)
  const filePaths = new Map<string, Map<string, string>>();
  const read = (controller: Controller, relDir: string, file: string) => {
    let paths = filePaths.get(relDir);
    if (!paths) {
      paths = new Map();
      filePaths.set(relDir, paths);
    }
    let filePath = paths.get(file);
    if (filePath === undefined) {
      filePath = cgroupFile(layout, controller, relDir, file);
      paths.set(file, filePath);
    }
    return files.read(relDir, filePath);
  };
  /** Each target's cgroup directory by its key, with what it was derived from. */
  const dirs = new Map<string, { uid: string; qosClass: QosClass; containerId?: string; relDir: string }>();

  async function findContainerDir(
    target: UsageTarget & { containerId: string },
  ): Promise<string | undefined> {
    const podDir = podCgroupDir(layout, target);
    const { id } = parseContainerId(target.containerId);
    const entries = await readdir(path.join(layout.hierarchies.cpu, podDir)).catch(() => [] as string[]);
    const entry = entries.find((name) => isContainerDirName(name, id));
    return entry === undefined ? undefined : path.posix.join(podDir, entry);
  }

  function readRaw(relDir: string, atMs: number): RawSample {
    let usageUsec: number;
    let nrPeriods = 0;
    let nrThrottled = 0;
    let memoryWorkingSetBytes: number | undefined;
    if (layout.version === 'v2') {
      const stat = parseCpuStat(read('cpu', relDir, 'cpu.stat'), 'v2');
      usageUsec = stat.usageUsec ?? 0;
      nrPeriods = stat.nrPeriods ?? 0;
      nrThrottled = stat.nrThrottled ?? 0;
      if (layout.features.memory) {
        memoryWorkingSetBytes = workingSetBytes(
          parseSingleValue(read('memory', relDir, 'memory.current'), 'memory.current'),
          parseMemoryStat(read('memory', relDir, 'memory.stat'), 'v2').inactiveFileBytes,
        );
      }
    } else {
      usageUsec = parseSingleValue(read('cpuacct', relDir, 'cpuacct.usage'), 'cpuacct.usage') / 1000;
      if (layout.features.cpuThrottling) {
        const stat = parseCpuStat(read('cpu', relDir, 'cpu.stat'), 'v1');
        nrPeriods = stat.nrPeriods ?? 0;
        nrThrottled = stat.nrThrottled ?? 0;
      }
      if (layout.features.memory) {
        memoryWorkingSetBytes = workingSetBytes(
          parseSingleValue(read('memory', relDir, 'memory.usage_in_bytes'), 'memory.usage_in_bytes'),
          parseMemoryStat(read('memory', relDir, 'memory.stat'), 'v1').inactiveFileBytes,
        );
      }
    }
    let psiSomeAvg10: number | undefined;
    if (layout.hierarchies.pressure !== undefined) {
      // PSI is optional: a kernel booted with psi=0 has the file but refuses to read it
      let text: string | undefined;
      try {
        text = read('pressure', relDir, 'cpu.pressure');
      } catch {
        text = undefined;
      }
      if (text !== undefined) psiSomeAvg10 = parsePressure(text).some.avg10;
    }
    return { relDir, usageUsec, nrPeriods, nrThrottled, memoryWorkingSetBytes, psiSomeAvg10, atMs };
  }

  function relDirOf(target: UsageTarget): string {
    const resolved = target.containerId ? resolvedDirs.get(target.containerId) : undefined;
    if (resolved !== undefined) return resolved;
    const known = dirs.get(target.key);
    if (
      known?.uid === target.uid &&
      known.qosClass === target.qosClass &&
      known.containerId === target.containerId
    )
      return known.relDir;
    const relDir = target.containerId
      ? containerCgroupDir(layout, { ...target, containerId: target.containerId })
      : podCgroupDir(layout, target);
    dirs.set(target.key, { ...target, relDir });
    return relDir;
  }

  function skipped(target: UsageTarget, relDir: string, err: unknown): UsageResult {
    const { key } = target;
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

  /** The usage since the previous sample of the same cgroup; priming on the first. */
  function usageOf(target: UsageTarget, raw: RawSample): UsageResult {
    const { key } = target;
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

  /** After a failed read: a container directory named unlike its id is looked up once, then retried. */
  async function recovered(
    target: UsageTarget,
    relDir: string,
    err: unknown,
    nowMs: number,
  ): Promise<UsageResult> {
    const id = target.containerId;
    if (id && VANISHED_CODES.has(errorCode(err) ?? '') && !resolvedDirs.has(id)) {
      const found = await findContainerDir({ ...target, containerId: id });
      if (found !== undefined && found !== relDir) {
        resolvedDirs.set(id, found);
        try {
          return usageOf(target, readRaw(found, nowMs));
        } catch (again) {
          return skipped(target, found, again);
        }
      }
    }
    return skipped(target, relDir, err);
  }

  return {
    async sample(targets, nowMs) {
      const startedMs = performance.now();
      const results: UsageResult[] = new Array(targets.length);
      // the common case needs no await: only a container directory not found by its id looks around
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i] as UsageTarget;
        const relDir = relDirOf(target);
        try {
          results[i] = usageOf(target, readRaw(relDir, nowMs));
        } catch (err) {
          results[i] = await recovered(target, relDir, err, nowMs);
        }
      }
      const live = new Set(targets.map((t) => t.key));
      for (const key of previous.keys()) if (!live.has(key)) previous.delete(key);
      const liveDirs = new Set<string>();
      for (const p of previous.values()) liveDirs.add(p.relDir);
      files.keepOnly(liveDirs);
      for (const dir of filePaths.keys()) if (!liveDirs.has(dir)) filePaths.delete(dir);
      for (const key of dirs.keys()) if (!live.has(key)) dirs.delete(key);
      const liveIds = new Set(targets.map((t) => t.containerId));
      for (const id of resolvedDirs.keys()) if (!liveIds.has(id)) resolvedDirs.delete(id);
      if (logger.isLevelEnabled('debug')) {
        const skippedCount = results.filter((r) => r.status === 'skipped').length;
        logger.debug(
          {
            cgroups: targets.length,
            skipped: skippedCount,
            elapsedMs: Math.round(performance.now() - startedMs),
          },
          'cgroups sampled',
        );
      }
      return results;
    },
  };
}
