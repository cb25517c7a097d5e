// The image's entry points: what npm run build bundles into dist/<name>.mjs.
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
