// Heap bytes per cached object: a realistic production pod (test/fixtures/pods/production-pod.json)
// or PodScale (test/fixtures/podscales/production-podscale.json) parsed --count times, trimmed as the
// informer trims it, and kept; heap used after a full GC, less the heap before, over the count. Each
// way of trimming runs in a process of its own, alternately.
//   node bench/speed/pod-cache-heap.ts [--kind pod|podscale] [--count 20000] [--rounds 3]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { AGENT_PODSCALE_FIELDS, CACHED_PODSCALE_FIELDS } from '../../lib/api/cached-objects.ts';
import { CACHED_POD_FIELDS } from '../../lib/cached-pod.ts';
import { type AnyKeepList, retainIn } from '../../lib/keep-list.ts';
import { positiveInt } from '../cli-args.ts';
import { fullGc } from './gc.ts';

type Served = { metadata: { uid: string; name: string; resourceVersion: string; managedFields?: unknown } };

const withoutManagedFields = (obj: Served) => {
  obj.metadata.managedFields = undefined;
};
const keeping = (keep: AnyKeepList) => (obj: Served) => retainIn(obj, keep);

/** Per kind: its fixture, the ids and version each served object has of its own, and the ways of trimming it. */
const KINDS = {
  pod: {
    fixture: '../../test/fixtures/pods/production-pod.json',
    own: (o: Served) => ({ ids: [o.metadata.uid, o.metadata.name], version: o.metadata.resourceVersion }),
    trims: {
      served: () => {},
      'no-managedFields': withoutManagedFields,
      CachedPod: keeping(CACHED_POD_FIELDS),
    },
  },
  podscale: {
    fixture: '../../test/fixtures/podscales/production-podscale.json',
    // the PodScale's pod (podRef, owner) is its own too; its name is the pod's
    own: (o: Served & { spec: { podRef: { uid: string } } }) => ({
      ids: [o.metadata.uid, o.metadata.name, o.spec.podRef.uid],
      version: o.metadata.resourceVersion,
    }),
    trims: {
      served: () => {},
      'no-managedFields': withoutManagedFields,
      AgentPodScale: keeping(AGENT_PODSCALE_FIELDS),
      CachedPodScale: keeping(CACHED_PODSCALE_FIELDS),
    },
  },
} as const;
type Kind = keyof typeof KINDS;
type TrimOf = (obj: Served) => void;
const trimsOf = (kind: Kind) => KINDS[kind].trims as Record<string, TrimOf>;

/** Bytes of heap per kept object, measured in this process. */
function measure(kind: Kind, trim: string, count: number): number {
  const text = readFileSync(fileURLToPath(new URL(KINDS[kind].fixture, import.meta.url)), 'utf8');
  const own = KINDS[kind].own(JSON.parse(text));
  const trimmed = trimsOf(kind)[trim];
  if (!trimmed) throw new Error(`no trim ${trim} of ${kind}`);
  const kept: object[] = [];
  fullGc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    // each object its own name, uids and version, as each served object has
    const suffix = i.toString(36).padStart(5, '0');
    let served = text.replaceAll(own.version, `${own.version}${i}`);
    for (const id of own.ids) served = served.replaceAll(id, `${id.slice(0, -5)}${suffix}`);
    const obj = JSON.parse(served);
    trimmed(obj);
    kept.push(obj);
  }
  fullGc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== count) throw new Error('lost objects');
  return (after - before) / count;
}

if (process.argv[2] === '--child') {
  const [kind, trim, count] = [process.argv[3] as Kind, process.argv[4]!, Number(process.argv[5])];
  process.stdout.write(`${JSON.stringify({ trim, bytesPerObject: measure(kind, trim, count) })}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = new Command()
    .description(
      'heap bytes per cached object, as served / without managedFields / as each keep-list keeps it',
    )
    .addOption(new Option('--kind <kind>', 'object kind').choices(Object.keys(KINDS)).default('pod'))
    .option('--count <n>', 'objects kept per process', positiveInt, 20_000)
    .option('--rounds <n>', 'processes per way of trimming, run alternately', positiveInt, 3)
    .parse()
    .opts<{ kind: Kind; count: number; rounds: number }>();
  const results = new Map<string, number[]>();
  for (let r = 0; r < opts.rounds; r++) {
    for (const trim of Object.keys(trimsOf(opts.kind))) {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', opts.kind, trim, String(opts.count)],
        { encoding: 'utf8' },
      );
      const { bytesPerObject } = JSON.parse(out) as { bytesPerObject: number };
      results.set(trim, [...(results.get(trim) ?? []), bytesPerObject]);
    }
  }
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  for (const [trim, bytes] of results) {
    const lo = Math.min(...bytes);
    const hi = Math.max(...bytes);
    console.log(
      `${trim.padEnd(18)} ${lo.toFixed(0)}–${hi.toFixed(0)} B/${opts.kind}` +
        `  → ${mib(lo * 150_000)}–${mib(hi * 150_000)} MiB at 150,000`,
    );
  }
}
