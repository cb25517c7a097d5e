// npm run build — bundles the agent, the hub and kosmosctl into tree-shaken ES modules under dist/
// (what the image runs: no type stripping, no unused client code), with the .proto files beside
// them (the gRPC loader reads them at start).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { build, type Plugin } from 'esbuild';
import {
  AGENT_ENV,
  AGENT_ENV_FILE,
  AGENT_NODE_OPTIONS,
  AGENT_NODE_OPTIONS_FILE,
  ENTRIES,
  HUB_NODE_OPTIONS,
  HUB_NODE_OPTIONS_FILE,
} from './build-entries.ts';

/** Offset of the first byte ≥ 0x80, or -1. */
function nonAsciiAt(bytes: Uint8Array): number {
  return bytes.findIndex((b) => b >= 0x80);
}

/**
 * Node's built-in modules through require() instead of an ES module import: Node builds an ES
 * module facade of a built-in by reading every export, which runs the lazy getters too (node:http
 * loads Node's own copy of undici for its WebSocket/fetch exports, node:tls parses every root
 * certificate): 9 MiB more resident for the agent. require() hands out the module object and
 * esbuild's interop reads a property only when the code uses it.
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path)
        ? { path: args.path, namespace: 'builtin-require' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const ROOT = resolve(new URL('.', import.meta.url).pathname);

/** A generated client-node API method's first line: 4-space indent, `name(...) {`. */
const API_METHOD = /^ {4}(?:async )?([A-Za-z_$][\w$]*)\(.*\) \{$/;

/**
 * The generated API classes' source without the methods whose names `keep` lacks: each method
 * (with and without `WithHttpInfo`) runs from its first line to the next line that is `    }`.
 */
function withoutUnusedApiMethods(source: string, keep: ReadonlySet<string>): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of source.split('\n')) {
    if (skipping) {
      if (line === '    }') skipping = false;
      continue;
    }
    const name = API_METHOD.exec(line)?.[1];
    if (name !== undefined && name !== 'constructor' && !keep.has(name.replace(/WithHttpInfo$/, ''))) {
      skipping = true;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

/** An identifier-like word. */
const WORD = /[A-Za-z_$][\w$]*/g;

/** Adds every identifier-like word of the file at `path` to `into`. */
function addWordsOf(path: string, into: Set<string>): void {
  for (const w of readFileSync(path, 'utf8').match(WORD) ?? []) into.add(w);
}

/** Every identifier-like word in the .ts files under `dir` (tests and node_modules left out). */
function wordsOfSources(dir: string, into: Set<string>): Set<string> {
  if (!existsSync(dir)) return into;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist' && !entry.name.startsWith('.'))
        wordsOfSources(path, into);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) addWordsOf(path, into);
  }
  return into;
}

/**
 * client-node's generated API classes hold every operation of their group (CoreV1Api alone is
 * 580 KB of the agent's bundle with its Observable, Promise and object-parameter wrappers), and V8
 * keeps the bundle's whole source text and a function record per method. A method is dropped from
 * the bundle when no source file of this repository and no hand-written file of client-node
 * mentions its name; what is called stays, byte for byte.
 */
function leanClientNodeApis(keep: ReadonlySet<string>): Plugin {
  return {
    name: 'lean-client-node-apis',
    setup(b) {
      b.onLoad(
        {
          filter: /@kubernetes[\\/]client-node[\\/]dist[\\/]gen[\\/](apis[\\/]\w+Api|types[\\/]\w+API)\.js$/,
        },
        (args) => ({
          contents: withoutUnusedApiMethods(readFileSync(args.path, 'utf8'), keep),
          loader: 'js',
        }),
      );
    },
  };
}

/**
 * What client-node takes from undici (fetch, Agent, ProxyAgent) without undici's index, which
 * loads and runs every part of it at start: mock agents, caches, cookies, WebSocket, EventSource,
 * interceptors, the SQLite cache store. fetch is wrapped as the index wraps it (the caller's stack
 * on its errors), and the Dispatcher API is installed on Dispatcher.prototype as the index does.
 */
const UNDICI_FOR_CLIENT_NODE = `'use strict'
const Dispatcher = require('./lib/dispatcher/dispatcher')
Object.assign(Dispatcher.prototype, require('./lib/api'))
const fetchImpl = require('./lib/web/fetch').fetch
module.exports.Agent = require('./lib/dispatcher/agent')
module.exports.ProxyAgent = require('./lib/dispatcher/proxy-agent')
module.exports.fetch = function fetch (init, options = undefined) {
  return fetchImpl(init, options).catch(err => {
    if (err && typeof err === 'object') Error.captureStackTrace(err, module.exports.fetch)
    throw err
  })
}
`;

/** client-node's `import ... from 'undici'` gets UNDICI_FOR_CLIENT_NODE; every other importer undici itself. */
const leanUndiciForClientNode: Plugin = {
  name: 'lean-undici-for-client-node',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      /@kubernetes[\\/]client-node[\\/]/.test(args.importer)
        ? { path: join(ROOT, 'node_modules/undici/index.js'), namespace: 'undici-for-client-node' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'undici-for-client-node' }, (args) => ({
      contents: UNDICI_FOR_CLIENT_NODE,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** The words that may name a client-node API method this repository calls (see leanClientNodeApis). */
function apiMethodsInUse(): Set<string> {
  const words = new Set<string>();
  for (const dir of ['agent', 'hub', 'lib', 'proto', 'sample', 'packages'])
    wordsOfSources(join(ROOT, dir), words);
  const clientDist = join(ROOT, 'node_modules/@kubernetes/client-node/dist');
  for (const name of readdirSync(clientDist))
    if (name.endsWith('.js')) addWordsOf(join(clientDist, name), words);
  return words;
}

const program = new Command('build')
  .description(
    `Bundles ${Object.keys(ENTRIES).join(', ')} into <out>/<name>.mjs (esbuild, minified identifiers off so stack traces stay readable) copies the .proto files beside them and writes the agent's V8 limits to ${AGENT_NODE_OPTIONS_FILE}, its environment to ${AGENT_ENV_FILE} and the hub's V8 options to ${HUB_NODE_OPTIONS_FILE}.`,
  )
  .option('--out <dir>', 'output directory', join(ROOT, 'dist'));

const { out } = program.parse().opts<{ out: string }>();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(ROOT, file)])),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // no shared chunks: each bundle's import.meta.url is dist/, where the .proto files are
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  treeShaking: true,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  // non-ASCII is escaped in strings; see nonAsciiAt for what esbuild cannot escape
  charset: 'ascii',
  logLevel: 'warning',
  plugins: [builtinsThroughRequire, leanClientNodeApis(apiMethodsInUse()), leanUndiciForClientNode],
  // CommonJS dependencies inside an ES module bundle still call require()
  banner: {
    js: "import { createRequire as __kosmosRequire } from 'node:module'; const require = __kosmosRequire(import.meta.url);",
  },
});
// V8 keeps each bundle's source text for lazy compilation: one non-ASCII character anywhere (a
// regular-expression literal, which esbuild leaves as written) stores the whole text at two bytes
// per character — 3.8 MiB more heap for the agent. Refuse it and say where.
for (const name of Object.keys(ENTRIES)) {
  const file = join(out, `${name}.mjs`);
  const at = nonAsciiAt(readFileSync(file));
  if (at >= 0) {
    const text = readFileSync(file, 'latin1');
    throw new Error(
      `${file} has a non-ASCII character at byte ${at} (…${text.slice(Math.max(0, at - 60), at + 20)}…): write it as a \\u escape in the source`,
    );
  }
}
// docker-entrypoint.sh starts the agent with these (KOSMOS_AGENT_NODE_OPTIONS replaces them)
writeFileSync(join(out, AGENT_NODE_OPTIONS_FILE), `${AGENT_NODE_OPTIONS.join(' ')}\n`);
// ... and the hub with these (KOSMOS_HUB_NODE_OPTIONS replaces them)
writeFileSync(join(out, HUB_NODE_OPTIONS_FILE), `${HUB_NODE_OPTIONS.join(' ')}\n`);
// ... and with this environment
writeFileSync(
  join(out, AGENT_ENV_FILE),
  Object.entries(AGENT_ENV)
    .map(([k, v]) => `${k}=${v}\n`)
    .join(''),
);
// proto/options.ts resolves the .proto files next to the module that loads them: dist/
cpSync(join(ROOT, 'proto/kosmos'), join(out, 'kosmos'), { recursive: true });
console.log(
  `built ${Object.keys(ENTRIES)
    .map((n) => `${n}.mjs`)
    .join(', ')} in ${out}`,
);
