// A full garbage collection on demand, without --expose-gc on the command line, so heap numbers
// compare retained memory rather than garbage not yet collected.
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

export function fullGc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}

/** Heap used, off-heap (Buffers, native) and RSS right after a full collection, bytes. */
export function retainedMemory(): { heapUsedBytes: number; externalBytes: number; rssBytes: number } {
  fullGc();
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, externalBytes: m.external, rssBytes: m.rss };
}

/**
 * Records the garbage collector's pauses from now on; `within` sums those that started inside the
 * given [start, end) windows (performance.now() ms) after `stop`, which waits for the last ones.
 */
export function recordGcPauses(): {
  stop(): Promise<void>;
  within(windows: readonly [number, number][]): number;
} {
  const pauses: { start: number; ms: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async stop() {
      // entries are delivered on a later turn of the event loop
      await new Promise((resolve) => setImmediate(resolve));
      for (const e of observer.takeRecords()) pauses.push({ start: e.startTime, ms: e.duration });
      observer.disconnect();
    },
    within(windows) {
      let ms = 0;
      for (const p of pauses) if (windows.some(([a, b]) => p.start >= a && p.start < b)) ms += p.ms;
      return ms;
    },
  };
}
