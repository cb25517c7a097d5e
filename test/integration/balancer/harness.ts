// Test harness of the balancer tests: a real HAProxy child process on loopback with a generated
// config, real HTTP backends (sample/app.ts) on distinct loopback IPs, and a bounded request driver.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HaproxyRuntime } from '../../../hub/src/balancer/haproxy-runtime.ts';
import { startSampleApp } from '../../../sample/app.ts';
import { waitFor as pollFor } from '../../support/wait-for.ts';

/** Fails (never skips) when HAProxy is missing, saying how to get it. */
export function requireHaproxy(): void {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'haproxy is not installed (the balancer tests run a real HAProxy): run .ci/install-haproxy ' +
        '(installs the Debian package haproxy)',
    );
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The shared waitFor (test/support), at this harness's 10 s timeout and 20 ms poll. */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  return pollFor(what, fn, timeoutMs, 20);
}

export interface Haproxy {
  url: string;
  socketPath: string;
  runtime: HaproxyRuntime;
  stop(): Promise<void>;
}

export function haproxyConfig(o: {
  socketPath: string;
  port: number;
  backend: string;
  slots: number;
  serverPort: number;
}): string {
  return [
    'global',
    `  stats socket ${o.socketPath} mode 600 level admin`,
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    '  retries 0',
    'frontend web',
    `  bind 127.0.0.1:${o.port}`,
    `  default_backend ${o.backend}`,
    `backend ${o.backend}`,
    '  balance roundrobin',
    `  server-template pod 1-${o.slots} 127.0.0.1:${o.serverPort} check inter 1s disabled`,
    '',
  ].join('\n');
}

/** Starts HAProxy with the generated test config, or with `config(socketPath, port)` when given. */
export async function startHaproxy(
  o: { backend: string; slots: number; serverPort: number },
  config?: (socketPath: string, port: number) => string,
): Promise<Haproxy> {
  requireHaproxy();
  const dir = mkdtempSync(join(tmpdir(), 'kosmos-haproxy-'));
  const socketPath = join(dir, 'admin.sock');
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, config ? config(socketPath, port) : haproxyConfig({ socketPath, port, ...o }));
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const runtime = new HaproxyRuntime({ socketPath, timeoutMs: 2000 });
  try {
    await Promise.race([
      waitFor('the haproxy admin socket', async () =>
        (await runtime.command('show info')).includes('Name: HAProxy') ? true : undefined,
      ),
      exited.then(() => {
        throw new Error(`haproxy exited ${child.exitCode}: ${stderr}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    socketPath,
    runtime,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Backend {
  name: string;
  address: string;
  server: Server;
  stop(): Promise<void>;
}

/** A sample app answering with x-backend: <name>, on its own loopback IP (like a pod IP) and the shared port. */
export async function startBackend(name: string, address: string, port: number): Promise<Backend> {
  const server = await startSampleApp({ port, host: address, cpuPerRequestMs: 0, name });
  return {
    name,
    address,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface LoadResult {
  byBackend: Map<string, number>;
  failures: string[];
  total: number;
}

/** Sends `total` GETs with at most `concurrency` in flight; counts answers per x-backend header. */
export async function sendRequests(url: string, total: number, concurrency: number): Promise<LoadResult> {
  const result: LoadResult = { byBackend: new Map(), failures: [], total: 0 };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await oneRequest(url, result);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return result;
}

async function oneRequest(url: string, result: LoadResult): Promise<void> {
  result.total++;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.text();
    const name = res.headers.get('x-backend');
    if (res.status !== 200 || !name) result.failures.push(`status ${res.status}`);
    else result.byBackend.set(name, (result.byBackend.get(name) ?? 0) + 1);
  } catch (err) {
    result.failures.push(String(err));
  }
}

/** A request loop running until stopped (bounded by maxRequests), for add/drain under traffic. */
export function steadyLoad(url: string, concurrency: number, maxRequests = 50_000) {
  const result: LoadResult = { byBackend: new Map(), failures: [], total: 0 };
  let stopped = false;
  const worker = async () => {
    while (!stopped && result.total < maxRequests) await oneRequest(url, result);
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    result,
    stop: async () => {
      stopped = true;
      await done;
      return result;
    },
  };
}
