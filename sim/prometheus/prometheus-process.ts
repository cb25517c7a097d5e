// A real Prometheus server as a child process on loopback, for the integration tests and the demo:
// a generated config, a temporary storage directory, a free port found by binding first (Prometheus
// cannot listen on port 0), ready when /-/ready answers; stop() kills it and removes its files.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** The prometheus binary's version line, or undefined when none is on the PATH. */
export function prometheusVersion(binary = 'prometheus'): string | undefined {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

/** A port free on 127.0.0.1 right now (bound, then released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrometheusOptions {
  /** scrape_configs entries (objects as in prometheus.yml). */
  scrapeConfigs: unknown[];
  /** Global scrape and evaluation interval, e.g. "1s". */
  scrapeInterval: string;
  binary?: string;
  /** How long to wait for /-/ready. */
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  url: string;
  port: number;
  /** The process's stderr so far (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const READY_POLL_MS = 100;

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts Prometheus; retries on another port when the chosen one was taken meanwhile. */
export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'kosmos-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: options.scrapeInterval, evaluation_interval: options.scrapeInterval },
      scrape_configs: options.scrapeConfigs,
    }),
  );
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let stderr = '';
    const proc: ChildProcess = spawn(
      options.binary ?? 'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    let exited = false;
    const exit = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    void exit.then(() => {
      exited = true;
    });
    const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
    while (!exited && Date.now() < deadline && !(await ready(url))) {
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    if (!exited && (await ready(url))) {
      return {
        url,
        port,
        log: () => stderr,
        async stop() {
          if (!exited) {
            proc.kill('SIGTERM');
            const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
            await exit;
            clearTimeout(killer);
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (!exited) {
      proc.kill('SIGKILL');
      await exit;
    }
    lastError = stderr;
    if (!/address already in use/.test(stderr)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`prometheus did not become ready: ${lastError.slice(-2000)}`);
}
