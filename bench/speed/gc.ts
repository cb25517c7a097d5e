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

/** Heap used, off-heap (Buffers, native) and RSS right after a full collection, bytes. */
export function retainedMemory(): { heapUsedBytes: number; externalBytes: number; rssBytes: number } {
  fullGc();
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, externalBytes: m.external, rssBytes: m.rss };
}
