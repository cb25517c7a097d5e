// The hub benchmark process (hub-process.ts): runs the one benchmark its parent names and sends back
// the result.
import type { HubBenchReply, HubBenchRequest } from './hub-process.ts';

async function run(request: HubBenchRequest): Promise<HubBenchReply> {
  try {
    if (request.bench === 'hub-plan') {
      const { runHubPlan } = await import('./hub-plan.ts');
      return { ok: true, result: await runHubPlan(request.options) };
    }
    const { runGrpcReports } = await import('./grpc-reports.ts');
    return { ok: true, result: await runGrpcReports(request.options) };
  } catch (err) {
    return { ok: false, error: (err as Error).stack ?? String(err) };
  }
}

process.once('message', (request: HubBenchRequest) => {
  // exits once the reply is sent: a handle the benchmark left open does not keep it waiting
  void run(request).then((reply) => process.send?.(reply, () => process.exit(0)));
});
