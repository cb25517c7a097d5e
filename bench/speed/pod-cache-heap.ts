// Heap bytes per cached pod: a realistic production pod (test/fixtures/pods/production-pod.json)
// parsed --pods times, trimmed as the informer trims it, and kept; heap used after a full GC, less
// the heap before, over the count. Each way of trimming runs in a process of its own, alternately.
//   node bench/speed/pod-cache-heap.ts [--pods 20000] [--rounds 3]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { CACHED_POD_FIELDS } from '../../lib/cached-pod.ts';
import { retainIn } from '../../lib/keep-list.ts';
import { positiveInt } from '../cli-args.ts';
import { fullGc } from './gc.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/pods/production-pod.json', import.meta.url));

/** How the cache trims a pod: as served, without managedFields, or to CACHED_POD_FIELDS. */
const TRIMS = {
  served: (_pod: { metadata: { managedFields?: unknown } }) => {},
  'no-managedFields': (pod: { metadata: { managedFields?: unknown } }) => {
    pod.metadata.managedFields = undefined;
  },
  CachedPod: (pod: object) => retainIn(pod, CACHED_POD_FIELDS),
} as const;
type Trim = keyof typeof TRIMS;

/** Bytes of heap per kept pod, measured in this process. */
function measure(trim: Trim, pods: number): number {
  const text = readFileSync(FIXTURE, 'utf8');
  const { uid, name, resourceVersion } = JSON.parse(text).metadata;
  const kept: object[] = [];
  fullGc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < pods; i++) {
    // each pod its own name, uid and version, as each served pod has
    const suffix = i.toString(36).padStart(5, '0');
    const own = text
      .replaceAll(uid, `${uid.slice(0, -5)}${suffix}`)
      .replaceAll(name, `${name.slice(0, -5)}${suffix}`)
      .replaceAll(resourceVersion, `${resourceVersion}${i}`);
    const pod = JSON.parse(own);
    TRIMS[trim](pod);
    kept.push(pod);
  }
  fullGc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== pods) throw new Error('lost pods');
  return (after - before) / pods;
}

if (process.argv[2] === '--child') {
  const [trim, pods] = [process.argv[3] as Trim, Number(process.argv[4])];
  process.stdout.write(`${JSON.stringify({ trim, bytesPerPod: measure(trim, pods) })}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = new Command()
    .description('heap bytes per cached pod, as served / without managedFields / as CachedPod')
    .option('--pods <n>', 'pods kept per process', positiveInt, 20_000)
    .option('--rounds <n>', 'processes per way of trimming, run alternately', positiveInt, 3)
    .parse()
    .opts<{ pods: number; rounds: number }>();
  const results = new Map<Trim, number[]>();
  for (let r = 0; r < opts.rounds; r++) {
    for (const trim of Object.keys(TRIMS) as Trim[]) {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', trim, String(opts.pods)],
        { encoding: 'utf8' },
      );
      const { bytesPerPod } = JSON.parse(out) as { bytesPerPod: number };
      results.set(trim, [...(results.get(trim) ?? []), bytesPerPod]);
    }
  }
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  for (const [trim, bytes] of results) {
    const lo = Math.min(...bytes);
    const hi = Math.max(...bytes);
    console.log(
      `${trim.padEnd(18)} ${lo.toFixed(0)}–${hi.toFixed(0)} B/pod` +
        `  → ${mib(lo * 150_000)}–${mib(hi * 150_000)} MiB at 150,000 pods`,
    );
  }
}
