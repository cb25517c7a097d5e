// A full garbage collection on demand, without --expose-gc on the command line, so heap numbers
// compare retained memory rather than garbage not yet collected.
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

/** Heap used and RSS right after a full collection, bytes. */
export function retainedMemory(): { heapUsedBytes: number; rssBytes: number } {
  fullGc();
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, rssBytes: m.rss };
}
