// Runs benchmark jobs on a few worker threads (the run must fit 10 minutes on 2 cores).
import { Worker } from 'node:worker_threads';
import type { JobResult, JobSpec } from './run-job.ts';

export async function runPool(
  jobs: readonly JobSpec[],
  threads: number,
  onResult: (r: JobResult, done: number) => void,
): Promise<JobResult[]> {
  const results: JobResult[] = [];
  let next = 0;
  const workerUrl = new URL('./worker.ts', import.meta.url);
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (next >= jobs.length) return resolve();
      const worker = new Worker(workerUrl);
      const send = (): void => {
        if (next >= jobs.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(jobs[next++]);
      };
      worker.on('message', (r: JobResult) => {
        results.push(r);
        onResult(r, results.length);
        send();
      });
      worker.on('error', reject);
      send();
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, jobs.length)) }, runWorker));
  return results;
}
