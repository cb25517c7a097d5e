// The open-loop load generator on its own thread, so the event loop that sends requests and times
// them is not the one running the API server, the balancer syncer and the samplers. The rate comes
// as one value per second; the records come back in one message at the end, and — when asked — as
// they finish, in batches (for a live view).
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
  /** Also post finished records every this many ms (runOpenLoopInWorker's onBatch). */
  batchEveryMs?: number;
}

/**
 * Runs the job on a worker thread; resolves with every request's record (with none when `signal`
 * aborts it first).
 */
export function runOpenLoopInWorker(
  job: LoadJob,
  onBatch?: (records: RequestRecord[]) => void,
  signal?: AbortSignal,
): Promise<RequestRecord[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: onBatch ? { ...job, batchEveryMs: job.batchEveryMs ?? 500 } : job,
    });
    worker.on('message', (m: RequestRecord[] | { batch: RequestRecord[] }) => {
      if (Array.isArray(m)) resolve(m);
      else onBatch?.(m.batch);
    });
    worker.once('error', reject);
    signal?.addEventListener('abort', () => void worker.terminate().then(() => resolve([])));
    worker.once('exit', (code) => {
      if (code !== 0 && !signal?.aborted) reject(new Error(`load generator thread exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort) {
  const job = workerData as LoadJob;
  const port = parentPort;
  let batch: RequestRecord[] = [];
  const flush = () => {
    if (batch.length > 0) port.postMessage({ batch });
    batch = [];
  };
  const timer = job.batchEveryMs ? setInterval(flush, job.batchEveryMs) : undefined;
  const records = await runOpenLoop({
    rateAt: (t) => job.ratePerSecond[Math.floor(t)] ?? 0,
    durationSeconds: job.ratePerSecond.length,
    target: () => ({ host: job.host, port: job.port, path: job.path ?? '/' }),
    seed: job.seed,
    timeoutMs: job.timeoutMs,
    ...(timer ? { onRecord: (r: RequestRecord) => batch.push(r) } : {}),
  });
  clearInterval(timer);
  flush();
  port.postMessage(records);
}
