// The open-loop load generator on its own thread, so the event loop that sends requests and times
// them is not the one running the API server, the balancer syncer and the samplers. The rate comes
// as one value per second; the records come back in one message at the end.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type RequestRecord, runOpenLoop } from './open-loop.ts';

export interface LoadJob {
  /** Requests per second, one value per second of the run. */
  ratePerSecond: number[];
  host: string;
  port: number;
  path?: string;
  seed: number;
  timeoutMs?: number;
}

/** Runs the job on a worker thread; resolves with every request's record. */
export function runOpenLoopInWorker(job: LoadJob): Promise<RequestRecord[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', (records: RequestRecord[]) => resolve(records));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator thread exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort) {
  const job = workerData as LoadJob;
  const records = await runOpenLoop({
    rateAt: (t) => job.ratePerSecond[Math.floor(t)] ?? 0,
    durationSeconds: job.ratePerSecond.length,
    target: () => ({ host: job.host, port: job.port, path: job.path ?? '/' }),
    seed: job.seed,
    timeoutMs: job.timeoutMs,
  });
  parentPort.postMessage(records);
}
