// Worker thread of the benchmark: runs the jobs it is sent, one at a time, and posts the results.
import { parentPort } from 'node:worker_threads';
import { type JobSpec, runJob } from './run-job.ts';

parentPort?.on('message', async (spec: JobSpec) => {
  try {
    parentPort?.postMessage(await runJob(spec));
  } catch (err) {
    parentPort?.postMessage({
      spec,
      ok: false,
      reason: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
});
