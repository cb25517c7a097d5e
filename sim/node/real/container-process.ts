// One container of a real pod as a real process: the command the pod spec names (or the sample
// app), started by a shell that first writes itself into the container's cgroups so every byte
// and cycle of the process is accounted there, bound to the pod's loopback IP; ready when its
// /healthz answers; stopped with SIGTERM, then SIGKILL after a grace period.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { Json } from '../../../packages/apiserver/index.ts';

const SAMPLE_APP = new URL('../../../sample/app.ts', import.meta.url).pathname;
/** Joins the cgroups named in KOSMOS_CGROUP_PROCS, then execs the container command. */
const JOIN_AND_EXEC =
  'for f in $KOSMOS_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; unset KOSMOS_CGROUP_PROCS; exec "$@"';

export interface ContainerLaunch {
  argv: string[];
  env: Record<string, string>;
  port: number;
}

/**
 * What to run for a pod spec container: its `command` + `args`, or the sample app given the pod's
 * address (host, port, name) followed by the container's `args` (e.g. --cpu-per-request-ms 20).
 */
export function containerLaunch(container: Json, pod: { name: string; ip: string }): ContainerLaunch {
  const port: number = container.ports?.[0]?.containerPort ?? 8080;
  const env: Record<string, string> = { POD_IP: pod.ip, POD_NAME: pod.name, PORT: String(port) };
  for (const e of (container.env ?? []) as Json[]) if (typeof e.value === 'string') env[e.name] = e.value;
  const args: string[] = (container.args ?? []).map(String);
  const argv =
    Array.isArray(container.command) && container.command.length > 0
      ? [...container.command.map(String), ...args]
      : [process.execPath, SAMPLE_APP, '--host', pod.ip, '--port', String(port), '--name', pod.name, ...args];
  return { argv, env, port };
}

export interface RunningContainer {
  process: ChildProcess;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

/** Starts the container inside its cgroups (`procsFiles`); stdout/stderr go to `logFile` if given. */
export function startContainer(
  launch: ContainerLaunch,
  procsFiles: string[],
  logFile?: string,
): RunningContainer {
  const child = spawn('/bin/sh', ['-c', JOIN_AND_EXEC, 'sh', ...launch.argv], {
    env: { ...process.env, ...launch.env, KOSMOS_CGROUP_PROCS: procsFiles.join(' ') },
    stdio: ['ignore', logFile ? 'pipe' : 'ignore', logFile ? 'pipe' : 'ignore'],
  });
  if (logFile) {
    const out = createWriteStream(logFile, { flags: 'a' });
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    child.once('exit', () => out.end());
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
    child.once('error', () => resolve(null));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    process: child,
    exited,
    async stop(graceMs = 2000) {
      if (!running()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function probe(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/**
 * Polls http://host:port/healthz every `periodMs` until it answers 200 (true), the process exits or
 * `timeoutMs` passes (false).
 */
export async function waitReady(
  host: string,
  port: number,
  container: RunningContainer,
  timeoutMs = 30_000,
  periodMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void container.exited.then(() => {
    exited = true;
  });
  while (!exited && Date.now() < deadline) {
    if (await probe(host, port, 1000)) return true;
    await new Promise((r) => setTimeout(r, periodMs));
  }
  return false;
}

export const containerLogFile = (dir: string, pod: string, container: string) =>
  path.join(dir, `pod-${pod}-${container}.log`);
