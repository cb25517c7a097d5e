// Starts the demo's child processes (hub, agents), sends their JSON logs to files, and stops them
// all on stopAll(): SIGTERM first, SIGKILL after a grace period; whatever is left when this process
// exits (a crash included) gets SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface ChildSpec {
  name: string;
  script: string;
  args: string[];
  env?: Record<string, string>;
}

export interface RunningChild {
  name: string;
  process: ChildProcess;
  logPath: string;
  exited: Promise<number | null>;
}

export class ProcessGroup {
  readonly #children: RunningChild[] = [];
  readonly #streams: WriteStream[] = [];
  readonly #logDir: string;
  #onUnexpectedExit: (child: RunningChild, code: number | null) => void;
  #stopping = false;

  constructor(logDir: string, onUnexpectedExit: (child: RunningChild, code: number | null) => void) {
    this.#logDir = logDir;
    this.#onUnexpectedExit = onUnexpectedExit;
    process.once('exit', () => {
      for (const c of this.#children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    });
  }

  start(spec: ChildSpec): RunningChild {
    const logPath = join(this.#logDir, `${spec.name}.log`);
    const log = createWriteStream(logPath, { flags: 'a' });
    this.#streams.push(log);
    const proc = spawn(process.execPath, [spec.script, ...spec.args], {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.pipe(log, { end: false });
    proc.stderr?.pipe(log, { end: false });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const child: RunningChild = { name: spec.name, process: proc, logPath, exited };
    exited.then((code) => {
      if (!this.#stopping && this.#children.includes(child)) this.#onUnexpectedExit(child, code);
    });
    this.#children.push(child);
    return child;
  }

  /** Drops a child that already exited (a start retried elsewhere): its exit is not reported. */
  forget(child: RunningChild): void {
    const i = this.#children.indexOf(child);
    if (i >= 0) this.#children.splice(i, 1);
  }

  async stopAll(graceMs = 3000): Promise<void> {
    this.#stopping = true;
    const alive = this.#children.filter((c) => c.process.exitCode === null && c.process.signalCode === null);
    for (const c of alive) c.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of alive) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    }, graceMs);
    await Promise.all(alive.map((c) => c.exited));
    clearTimeout(timer);
    await Promise.all(this.#streams.map((s) => new Promise<void>((resolve) => s.end(resolve))));
  }
}

/** Resolves once something listens on 127.0.0.1:port (a gRPC client dialling too early backs off for minutes). */
export async function waitForPort(port: number, timeoutMs: number, what = 'the hub'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
