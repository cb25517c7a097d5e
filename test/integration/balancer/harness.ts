// Test harness of the balancer tests: a real HAProxy child process on loopback with a generated
// config, real HTTP backends (sample/app.ts) on distinct loopback IPs, and a bounded request driver.
import type { Server } from 'node:http';
import { startSampleApp } from '../../../sample/app.ts';
import { waitFor as pollFor } from '../../support/wait-for.ts';

export {
  freePort,
  type Haproxy,
  haproxyConfig,
  requireHaproxy,
  startHaproxy,
} from '../../../sim/load/haproxy.ts';

/** The shared waitFor (test/support), at this harness's 10 s timeout and 20 ms poll. */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  return pollFor(what, fn, timeoutMs, 20);
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
