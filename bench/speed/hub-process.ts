// The hub's benchmarks (hub-plan, grpc-reports) run in a process of their own, started under the V8
// options the hub ships with (HUB_NODE_OPTIONS, dist/hub.node-options), so what they measure is the
// hub as the image runs it, not the benchmark driver's defaults. KOSMOS_HUB_NODE_OPTIONS replaces
// them, as it does in the image; the result says which options ran.
import { fork } from 'node:child_process';
import { HUB_NODE_OPTIONS } from '../../build-entries.ts';
import type { GrpcReportsOptions } from './grpc-reports.ts';
import type { HubPlanOptions } from './hub-plan.ts';
import type { BenchResult } from './report.ts';

/** A benchmark of the hub's code and its options, as sent to the hub process. */
export type HubBenchRequest =
  | { bench: 'hub-plan'; options: HubPlanOptions }
  | { bench: 'grpc-reports'; options: GrpcReportsOptions };

export type HubBenchReply = { ok: true; result: BenchResult } | { ok: false; error: string };

/** The V8 options the hub's benchmarks run under: the shipped ones, or KOSMOS_HUB_NODE_OPTIONS. */
export function hubNodeOptions(env: NodeJS.ProcessEnv = process.env): {
  flags: string[];
  overridden: boolean;
} {
  // as docker-entrypoint.sh's ${KOSMOS_HUB_NODE_OPTIONS:-...}: set and not empty replaces them
  const override = env.KOSMOS_HUB_NODE_OPTIONS;
  return override
    ? { flags: override.split(/\s+/).filter(Boolean), overridden: true }
    : { flags: [...HUB_NODE_OPTIONS], overridden: false };
}

/** Runs one hub benchmark in a child process under the hub's V8 options; its result, with them noted. */
export function inHubProcess(request: HubBenchRequest): Promise<BenchResult> {
  const { flags, overridden } = hubNodeOptions();
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./hub-process-child.ts', import.meta.url), {
      serialization: 'advanced',
      execArgv: flags,
    });
    let reply: HubBenchReply | undefined;
    child.once('message', (msg: HubBenchReply) => {
      reply = msg;
      child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!reply)
        return reject(new Error(`hub benchmark process exited (${signal ?? code}) without a result`));
      if (!reply.ok) return reject(new Error(reply.error));
      const result = reply.result;
      result.params = { ...result.params, hubNodeOptions: flags.join(' ') };
      result.notes = [
        ...result.notes,
        `The hub's code ran in a process of its own under ${flags.length ? `node ${flags.join(' ')}` : 'V8 defaults'} (${overridden ? 'KOSMOS_HUB_NODE_OPTIONS, not the shipped HUB_NODE_OPTIONS' : 'HUB_NODE_OPTIONS, as dist/hub.node-options ships them'}).`,
      ];
      resolve(result);
    });
    child.send(request);
  });
}
