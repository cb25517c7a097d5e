// The image's entry points: what npm run build bundles into dist/<name>.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENTRIES = {
  agent: 'agent/src/main.ts',
  hub: 'hub/src/main.ts',
  kosmosctl: 'hub/src/cli/kosmosctl.ts',
  balancer: 'hub/src/balancer/main.ts',
  'sample-app': 'sample/app.ts',
} as const;

export const ENTRY_NAMES = Object.keys(ENTRIES) as (keyof typeof ENTRIES)[];

/**
 * The V8 limits the agent runs under in the image (a DaemonSet: one per node, so every MiB counts
 * n times). npm run build writes them to dist/agent.node-options, which docker-entrypoint.sh passes
 * to node and npm run bench measures with. A 2 MiB young generation instead of V8's 16-64 MiB
 * default and an old generation capped at 64 MiB (the agent's live heap is ~25 MiB at 110 pods).
 * No background threads (--single-threaded: compilation and garbage collection on the main thread):
 * the agent is idle most of each second, and the helper threads' compiler zones and malloc arenas
 * were ~20 MiB of its resident memory. Not --optimize-for-size: it makes V8 run a full collection
 * about once a second to stay small, 13.3 % of a core at 110 pods against 6.8 % without it. Not
 * --lite-mode or --jitless: they remove WebAssembly, and client-node's HTTP client (undici) parses
 * every response with llhttp in WebAssembly.
 */
export const AGENT_NODE_OPTIONS = [
  '--max-semi-space-size=2',
  '--max-old-space-size=64',
  '--single-threaded',
] as const;

/** The file beside the bundles that carries AGENT_NODE_OPTIONS, one line. */
export const AGENT_NODE_OPTIONS_FILE = 'agent.node-options';

/**
 * The V8 options the hub runs under in the image: npm run build writes them to dist/hub.node-options,
 * which docker-entrypoint.sh passes to node (KOSMOS_HUB_NODE_OPTIONS replaces them) and npm run bench
 * starts the hub's benchmarks (hub-plan, grpc-reports) with. No allocation-site pretenuring: each
 * report's pod samples live until the node's next report (about a second), long enough for V8 to
 * mark their allocation sites long-lived and allocate them straight into the old generation, which
 * then filled at the report rate and ran a full mark-compact of the ~300 MiB heap about once a second
 * (concurrent marking: most of the CPU the hub's process spent beside its main thread). Allocated
 * young, they die there or are promoted by the scavenger. Alternating --quick runs against V8's
 * defaults: grpc-reports 0.24-0.36 against 0.38-0.43 ms of hub process CPU per report, hub-plan
 * period p99 950-1,027 against 1,326-1,430 ms. A larger young generation (128 MB) measured worse
 * (0.36-0.39 ms per report) and would cost the Deployment's 512 MiB up to twice its size.
 */
export const HUB_NODE_OPTIONS = ['--no-allocation-site-pretenuring'] as const;

/** The file beside the bundles that carries HUB_NODE_OPTIONS, one line. */
export const HUB_NODE_OPTIONS_FILE = 'hub.node-options';

/** The Dockerfile's ENV, which every entry point of the image runs with. */
export const IMAGE_ENV = { NODE_ENV: 'production' } as const;

/**
 * The environment the agent runs with in the image, beside IMAGE_ENV: npm run build writes it to
 * dist/agent.env (KEY=VALUE lines), which docker-entrypoint.sh exports to the agent and npm run
 * bench starts it with. glibc malloc with one arena (the agent's JS runs on one thread; libuv's pool
 * and V8's platform threads allocate little) that gives freed memory at its top back to the system
 * beyond 128 KiB and keeps no extra padding: RSS p95 at 110 pods 110-114 MiB against 116-117 with
 * glibc's defaults (MALLOC_ARENA_MAX=2 alone: 127-129 MiB).
 *
 * Every block of 32 KiB or more mapped on its own and unmapped when freed: V8's parser and compiler
 * zones (33 MiB of malloc at their peak, while the bundle, then 4 MB, is compiled and hot functions
 * are optimized) otherwise land in the brk heap, where glibc raises its mmap threshold after the first
 * large free and the small blocks left behind pin the freed pages. The brk heap at 110 pods 14.3 ->
 * 7.3 MiB; RSS p95 107-109 MiB in 4 runs against 115-121 in 5 (CPU 3.8-4.9 % against 3.2-5.9 %),
 * idle agent with no pods 86 -> 77.5 MiB. 16 and 8 KiB give the same.
 */
export const AGENT_ENV = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_TOP_PAD_: '0',
  MALLOC_MMAP_THRESHOLD_: '32768',
} as const;

/** The file beside the bundles that carries AGENT_ENV, one KEY=VALUE a line. */
export const AGENT_ENV_FILE = 'agent.env';

/** The KEY=VALUE lines of an agent.env file. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return env;
}

/** What docker-entrypoint.sh runs for an entry point: node's arguments before the entry's flags, and its environment. */
export interface ImageCommand {
  /** The V8 options the build wrote beside the bundle (for the agent and the hub), then the bundle. */
  nodeArgs: string[];
  /** The Dockerfile's ENV, for the agent dist/agent.env, and of the host's environment PATH and HOME only. */
  env: Record<string, string>;
}

/**
 * How docker-entrypoint.sh starts `name` from the bundles npm run build wrote to `dir` (with no
 * KOSMOS_*_NODE_OPTIONS set), for tests and benchmarks that run the image's processes.
 */
export function imageCommand(
  dir: string,
  name: keyof typeof ENTRIES,
  host: Record<string, string | undefined> = process.env,
): ImageCommand {
  const optionsFile =
    name === 'agent' ? AGENT_NODE_OPTIONS_FILE : name === 'hub' ? HUB_NODE_OPTIONS_FILE : undefined;
  const options = optionsFile
    ? readFileSync(join(dir, optionsFile), 'utf8').split(/\s+/).filter(Boolean)
    : [];
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME']) {
    const value = host[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, IMAGE_ENV);
  if (name === 'agent') Object.assign(env, parseEnvFile(readFileSync(join(dir, AGENT_ENV_FILE), 'utf8')));
  return { nodeArgs: [...options, join(dir, `${name}.mjs`)], env };
}
