import { afterEach, describe, expect, it } from 'vitest';
import { type RunningGrpcServer, startGrpcServer } from '../../../../hub/src/agentserver/grpc-server.ts';
import { cpu, mem, ms } from '../../../../hub/src/cli/format.ts';
import { kosmosctl } from '../../../../hub/src/cli/kosmosctl.ts';
import { StatusBoard } from '../../../../hub/src/status/status-board.ts';
import { statusHandlers } from '../../../../hub/src/status/status-server.ts';
import { kosmosProto } from '../../../../lib/grpc/proto.ts';

let running: RunningGrpcServer | undefined;
afterEach(async () => running?.stop());

async function run(args: string[]): Promise<{ lines: string[]; error?: Error }> {
  const board = new StatusBoard();
  board.publishService({
    sla: {
      namespace: 'default',
      name: 'web',
      target: 'Deployment/web',
      mode: 'Auto',
      objectiveSeconds: 0.2,
      statistic: 'p95',
      observedSeconds: 0.183,
      requestRate: 42,
      replicas: 2,
      desiredReplicas: 3,
      podsTracked: 2,
      ready: true,
      sloAttainment: 0.97,
    },
    pods: [
      {
        namespace: 'default',
        name: 'web-1',
        node: 'n1',
        desired: { cpuMilli: 300, memoryBytes: 128 * 1024 * 1024 },
        enacted: { cpuMilli: 250, memoryBytes: 128 * 1024 * 1024 },
        lbWeight: 213,
      },
    ],
  });
  board.publishDecision({
    timestampMs: 0,
    kind: 'vertical',
    namespace: 'default',
    sla: 'web',
    pod: 'web-1',
    summary: 'cpu 250m -> 300m',
  });
  running = await startGrpcServer('127.0.0.1', 0, [
    [
      kosmosProto().kosmos.v1.HubStatus.service,
      statusHandlers({ board, hubId: 'hub-a', isLeader: () => true }),
    ],
  ]);
  const lines: string[] = [];
  const { program, done } = kosmosctl((l) => lines.push(l));
  program.exitOverride();
  try {
    await program.parseAsync(['--hub', `127.0.0.1:${running.port}`, ...args], { from: 'user' });
    return { lines };
  } catch (error) {
    return { lines, error: error as Error };
  } finally {
    done();
  }
}

describe('kosmosctl', () => {
  it('status prints a table of SLAs with leader, objective and replicas', async () => {
    const { lines } = await run(['status']);
    const text = lines.join('\n');
    expect(text).toContain('hub hub-a (leader)');
    expect(text).toMatch(
      /default\/web\s+Deployment\/web\s+Auto\s+200ms p95\s+183ms\s+42\.0\s+2\/3\s+2\s+97%\s+True/,
    );
  });

  it('service prints pods with desired/enacted and recent decisions', async () => {
    const text = (await run(['service', 'default/web'])).lines.join('\n');
    expect(text).toMatch(/web-1\s+n1\s+300m\/128Mi\s+250m\/128Mi/);
    expect(text).toContain('cpu 250m -> 300m');
  });

  it('-o json prints the raw message', async () => {
    const { lines } = await run(['-o', 'json', 'pod', 'default/web-1']);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ name: 'web-1', lbWeight: 213 });
  });

  it('rejects a malformed reference with what to type', async () => {
    const { error } = await run(['pod', 'web-1']);
    expect(error?.message).toMatch(/expected <namespace>\/<pod>/);
  });

  it.each([
    [cpu(1500), '1500m'],
    [cpu(2000), '2'],
    [mem(512 * 1024 * 1024), '512Mi'],
    [ms(0.2), '200ms'],
    [ms(1.5), '1.50s'],
  ])('formats %s as %s', (got, want) => expect(got).toBe(want));
});
