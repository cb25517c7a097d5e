// HAProxy as a child process on loopback: a generated config (one frontend, one backend of
// server-template slots the runtime API fills), started with its admin socket, stopped and cleaned.
// The balancer tests and the real-process benchmark put it in front of pods.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HaproxyRuntime } from '../../hub/src/balancer/haproxy-runtime.ts';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
